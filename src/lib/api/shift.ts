import { z } from 'zod';
import { endAfterStart, idSchema, localTimeSchema, locationIdSchema, timeSchema } from './entry';
import { lineSchema, textSchema } from './text';

/**
 * A crew duty: a role at a location for a time, needing `needed` crew; `crewIds` are the users
 * who hold a place, in the order they took it. Crew and admins only.
 */
export interface ApiShift {
	id: string;
	role: string;
	locationId: string | null;
	start: number;
	end: number;
	needed: number;
	crewIds: string[];
	notes: string;
}

/** More places than any gathering's single duty needs; a typo such as 1000 is refused. */
const maxNeeded = 500;

const shiftRoleSchema = lineSchema('role', 100);
const shiftNotesSchema = textSchema('notes', 2000);
const neededSchema = z
	.number({ error: 'needed must be a whole number of crew' })
	.int('needed must be a whole number of crew')
	.min(1, `needed must be 1 to ${maxNeeded}`)
	.max(maxNeeded, `needed must be 1 to ${maxNeeded}`);
const crewIdsSchema = z
	.array(idSchema('crewIds'), { error: 'crewIds must be a list of user ids' })
	.max(maxNeeded, `crewIds may name at most ${maxNeeded} users`)
	.refine((ids) => new Set(ids).size === ids.length, 'crewIds names a user twice');

export const shiftCreateSchema = z
	.strictObject({
		role: shiftRoleSchema,
		locationId: locationIdSchema.optional(),
		start: timeSchema('start'),
		end: timeSchema('end'),
		needed: neededSchema,
		notes: shiftNotesSchema.optional(),
		crewIds: crewIdsSchema.optional()
	})
	.refine((shift) => shift.start < shift.end, endAfterStart);
export type ShiftCreate = z.infer<typeof shiftCreateSchema>;

/** A patch may move start or end alone; the server checks start < end on the result. */
export const shiftPatchSchema = z
	.strictObject({
		role: shiftRoleSchema.optional(),
		locationId: locationIdSchema.optional(),
		start: timeSchema('start').optional(),
		end: timeSchema('end').optional(),
		needed: neededSchema.optional(),
		notes: shiftNotesSchema.optional(),
		crewIds: crewIdsSchema.optional()
	})
	.refine((patch) => Object.values(patch).some((value) => value !== undefined), {
		message: 'nothing to change: give at least one field'
	});
export type ShiftPatch = z.infer<typeof shiftPatchSchema>;

const formId = z.string().min(1).max(64);

/** The admin page's shift form: times are wall-clock times in the settings' time zone. */
export const shiftFormSchema = z.object({
	id: z.string().max(64).optional(),
	role: shiftRoleSchema,
	locationId: z.string().max(64),
	start: localTimeSchema('start'),
	end: localTimeSchema('end'),
	needed: z
		.string({ error: 'needed is required' })
		.regex(/^\s*\d{1,4}\s*$/, `needed must be a whole number from 1 to ${maxNeeded}`),
	notes: shiftNotesSchema
});
/** An admin puts one crew member on a shift, or takes one off it. */
export const shiftAssignFormSchema = z.object({
	id: formId,
	userId: z.string({ error: 'choose a crew member' }).min(1, 'choose a crew member').max(64)
});
export const shiftDeleteFormSchema = z.object({
	id: formId,
	confirm: z.literal('yes').optional()
});
/** Crew take or leave a place on the shifts page. */
export const shiftSignupFormSchema = z.object({ id: formId });
