import { z } from 'zod';
import { nameProblem } from './name';

export const userTypes = ['regular', 'crew', 'admin'] as const;
export type UserType = (typeof userTypes)[number];
export type AccessLevel = 'public' | UserType;

export interface ApiUser {
	id: string;
	name: string;
	type: UserType;
	createdAt: number;
	/** Only admins see when a user was last active. */
	lastSeenAt?: number | null;
	/** Only admins see whether a user is suspended (cannot log in). */
	suspended?: boolean;
}

/** The user the current session is logged in as. */
export type ApiAccount = ApiUser;

/**
 * Trimmed and in NFC, so "é" typed as one code point or as e + accent is the same name;
 * the rules are in name.ts.
 */
export const nameSchema = z
	.string({ error: 'name must be a string' })
	.trim()
	.transform((name) => (name.isWellFormed() ? name.normalize('NFC') : name))
	.superRefine((name, context) => {
		const problem = nameProblem(name);
		if (problem) context.addIssue({ code: 'custom', message: problem });
	});

export const passwordSchema = z
	.string({ error: 'password must be a string' })
	.min(8, 'password must be 8 to 256 characters')
	.max(256, 'password must be 8 to 256 characters')
	.refine((password) => password.isWellFormed(), 'password must be valid text');

/** An empty field is a slip, not a wrong guess: it is told so and never counted as one. */
export const emptyCurrentPassword = 'currentPassword is empty: enter your current password';

/** The password the person types to prove it is them; its length rules are the stored one's. */
const currentPassword = z
	.string({ error: 'currentPassword must be a string' })
	.min(1, emptyCurrentPassword)
	.max(256, 'currentPassword must be at most 256 characters');

export const accountPatchSchema = z
	.strictObject({
		name: nameSchema.optional(),
		password: passwordSchema.optional(),
		currentPassword: currentPassword.optional()
	})
	.refine((patch) => patch.name !== undefined || patch.password !== undefined, {
		message: 'nothing to change: give name or password'
	})
	.refine((patch) => patch.password === undefined || patch.currentPassword !== undefined, {
		message: 'currentPassword is required to change the password',
		path: ['currentPassword']
	});
export type AccountPatch = z.infer<typeof accountPatchSchema>;

export const userPatchSchema = z
	.strictObject({
		name: nameSchema.optional(),
		type: z.enum(userTypes, { error: 'type must be regular, crew or admin' }).optional(),
		suspended: z.boolean({ error: 'suspended must be true or false' }).optional(),
		/** Confirms that making a user regular takes them off their upcoming shifts. */
		removeFromShifts: z.boolean({ error: 'removeFromShifts must be true or false' }).optional()
	})
	.refine(
		(patch) =>
			patch.name !== undefined || patch.type !== undefined || patch.suspended !== undefined,
		{ message: 'nothing to change: give name, type or suspended' }
	);
export type UserPatch = z.infer<typeof userPatchSchema>;

/** Deleting the account and ending other sessions need the current password (OWASP ASVS 3.3.4). */
export const currentPasswordSchema = z.strictObject({
	currentPassword
});

/** The account page's forms, each read on its own. */
export const renameFormSchema = z.object({ name: nameSchema });
export const passwordFormSchema = z.object({
	currentPassword,
	password: passwordSchema
});
export const endSessionsFormSchema = z.object({
	currentPassword,
	/** A login's id, or "others" for every login but this one. */
	id: z.string().min(1, 'choose a session to end').max(64)
});
export const deleteAccountFormSchema = z.object({
	currentPassword,
	confirm: z.literal('yes', { error: 'tick the box to confirm' })
});

export const setTypeFormSchema = z.object({
	id: z.string().min(1).max(64),
	type: z.enum(userTypes, { error: 'type must be regular, crew or admin' }),
	/** Present once the admin confirmed taking the user off their upcoming shifts. */
	confirm: z.literal('yes').optional()
});
export const deleteUserFormSchema = z.object({
	id: z.string().min(1).max(64),
	/** Absent on the first press: the page asks to confirm before anything is deleted. */
	confirm: z.literal('yes').optional()
});

export const userSorts = ['name', 'created', 'lastSeen'] as const;
export type UserSort = (typeof userSorts)[number];

/** GET /api/users' optional search, sort and window; without any, every user, oldest first. */
export const userQuerySchema = z.object({
	q: z.string().max(64, 'q must be at most 64 characters').default(''),
	sort: z.enum(userSorts, { error: 'sort must be name, created or lastSeen' }).default('created'),
	order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc' }).default('asc'),
	limit: z.coerce
		.number({ error: 'limit must be a number' })
		.int('limit must be a whole number')
		.min(1, 'limit must be 1 to 1000')
		.max(1000, 'limit must be 1 to 1000')
		.optional(),
	offset: z.coerce
		.number({ error: 'offset must be a number' })
		.int('offset must be a whole number')
		.min(0, 'offset must not be negative')
		.default(0)
});
export type UserQuery = z.infer<typeof userQuerySchema>;

/** The /users page's query string: a page number instead of a window. */
export const usersPageQuerySchema = z.object({
	q: z.string().max(64).catch(''),
	sort: z.enum(userSorts).catch('created'),
	order: z.enum(['asc', 'desc']).catch('desc'),
	page: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export const renameUserFormSchema = z.object({ id: z.string().min(1).max(64), name: nameSchema });
export const suspendFormSchema = z.object({
	id: z.string().min(1).max(64),
	suspended: z.enum(['yes', 'no']).transform((value) => value === 'yes')
});
export const endUserSessionFormSchema = z.object({
	family: z.string().min(1, 'choose a session to end').max(64)
});
