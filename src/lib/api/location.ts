import { z } from 'zod';
import { lineSchema, textSchema } from './text';

/** A place where entries happen (a room, a stage). Public. */
export interface ApiLocation {
	id: string;
	name: string;
	description: string;
}

/** A location as the schedule's lists show it: by name. */
export type ListedLocation = Pick<ApiLocation, 'id' | 'name'>;

/** Where the exports list entries without a location: frab puts every event in a room. */
export const noLocationName = 'No location';

/**
 * Two location names are the same when they differ only in case: schedule apps key rooms by
 * name, so "Hall" and "hall" would merge, as would a location called "No location" with the
 * exports' room for entries without one.
 */
export const locationNameKey = (name: string) => name.normalize('NFC').toLowerCase();

const locationNameSchema = lineSchema('name', 100).refine(
	(name) => locationNameKey(name) !== locationNameKey(noLocationName),
	`name "${noLocationName}" is kept for entries without a location: choose another`
);
const locationDescriptionSchema = textSchema('description', 2000);

export const locationCreateSchema = z.strictObject({
	name: locationNameSchema,
	description: locationDescriptionSchema.optional()
});
export type LocationCreate = z.infer<typeof locationCreateSchema>;

export const locationPatchSchema = z
	.strictObject({
		name: locationNameSchema.optional(),
		description: locationDescriptionSchema.optional()
	})
	.refine((patch) => patch.name !== undefined || patch.description !== undefined, {
		message: 'nothing to change: give name or description'
	});
export type LocationPatch = z.infer<typeof locationPatchSchema>;

/** The admin page's forms: create and edit send every field; delete names the location. */
export const locationFormSchema = z.object({
	id: z.string().max(64).optional(),
	name: locationNameSchema,
	description: locationDescriptionSchema
});
export const locationDeleteFormSchema = z.object({
	id: z.string().min(1).max(64),
	confirm: z.literal('yes').optional()
});
