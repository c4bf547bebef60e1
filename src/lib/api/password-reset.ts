import { z } from 'zod';
import { passwordSchema } from './user';

/** The answer to creating one: the only time its secret link is told. */
export interface ApiCreatedPasswordReset {
	id: string;
	createdAt: number;
	expiresAt: number;
	/** `<origin>/reset-password?token=<token>` */
	url: string;
}

/** A link not yet used nor expired, as its user's admin page lists it: never its secret. */
export interface ApiPasswordResetLink {
	id: string;
	createdAt: number;
	expiresAt: number;
	/** The admin who made it; null when the operator's command did. */
	createdById: string | null;
	createdByName: string | null;
}

/** The admin page's revoke button. */
export const revokePasswordResetFormSchema = z.object({
	resetId: z.string({ error: 'choose a link to revoke' }).min(1, 'choose a link to revoke').max(64)
});

const defaultPasswordResetHours = 24;
const maxPasswordResetHours = 72;

const hoursRange = `expiresInHours must be from 1/3600 (one second) to ${maxPasswordResetHours} (3 days)`;
/** Shorter-lived than an invitation: a reset link is as good as the password it replaces. */
const hours = z
	.number({ error: 'expiresInHours must be a number' })
	.min(1 / 3600, hoursRange)
	.max(maxPasswordResetHours, hoursRange);

export const passwordResetCreateSchema = z.strictObject({
	expiresInHours: hours.default(defaultPasswordResetHours)
});

/** The admin page's form: whose link, and how long it lasts. */
export const passwordResetFormSchema = z.object({
	userId: z.string({ error: 'choose a user' }).min(1, 'choose a user').max(64),
	expiresInHours: z.coerce.number().pipe(hours).default(defaultPasswordResetHours)
});

/** The secret of a reset link; its shape is checked by lookup. */
export const passwordResetTokenSchema = z
	.string({ error: 'token must be a string' })
	.trim()
	.min(1, 'token is required')
	.max(128, 'token is not a valid password reset link');

export const passwordResetSchema = z.strictObject({
	token: passwordResetTokenSchema,
	password: passwordSchema
});
export type PasswordReset = z.infer<typeof passwordResetSchema>;

/** The reset page's form asks for the new password twice: a typo would lock the person out. */
export const passwordResetPageSchema = z
	.object({ token: passwordResetTokenSchema, password: passwordSchema, passwordAgain: z.string() })
	.refine((input) => input.password === input.passwordAgain, {
		message: 'the two passwords differ',
		path: ['passwordAgain']
	});
