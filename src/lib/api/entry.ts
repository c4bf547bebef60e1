import { z } from 'zod';
import { lineSchema, textSchema } from './text';

export const visibilities = ['public', 'crew', 'draft'] as const;
/** Who sees an entry: everyone, crew and admins, or admins only (not yet published). */
export type Visibility = (typeof visibilities)[number];

/** One thing on the schedule. Times are milliseconds since the epoch; start < end. */
export interface ApiEntry {
	id: string;
	title: string;
	description: string;
	locationId: string | null;
	start: number;
	end: number;
	visibility: Visibility;
	/** Crew and admins only. */
	crewNotes?: string;
	/** Crew and admins only. */
	interestedCount?: number;
	/**
	 * Admins only: counts the entry's changes; an edit may name the version it is based on
	 * (If-Match) and is refused with 409 when the entry has moved on.
	 */
	version?: number;
}

/**
 * An entry as the schedule's lists show it: its description and crew notes are on its own page
 * only, so a list of thousands does not carry them.
 */
export type ListedEntry = Omit<ApiEntry, 'description' | 'crewNotes'>;

const entryTitleSchema = lineSchema('title', 200);
const entryDescriptionSchema = textSchema('description', 10_000);
const crewNotesSchema = textSchema('crewNotes', 10_000);
const visibilitySchema = z.enum(visibilities, {
	error: 'visibility must be public, crew or draft'
});
export const idSchema = (field: string) =>
	z
		.string({ error: `${field} must be a string` })
		.min(1)
		.max(64, `${field} is too long`);
export const locationIdSchema = idSchema('locationId').nullable();

/**
 * From the year 2000 to 9999: an earlier time is a mistake (a 0 or a time in seconds, not
 * milliseconds), and calendars and Date can both show anything in between.
 */
const minTime = Date.UTC(2000, 0, 1);
const maxTime = Date.UTC(9999, 11, 31);
export const timeSchema = (field: string) =>
	z
		.number({ error: `${field} must be a time in milliseconds since the epoch` })
		.int(`${field} must be a whole number of milliseconds`)
		.min(minTime, `${field} must be in the year 2000 or later (milliseconds since the epoch)`)
		.max(maxTime, `${field} must be before the year 10000`);

/**
 * An entry's times fall on whole minutes: schedule apps read its start and duration as hours
 * and minutes (frab's `HH:MM`), and some misread seconds as minutes (docs/decisions.md).
 */
const entryTimeSchema = (field: string) =>
	timeSchema(field).refine(
		(ms) => ms % 60_000 === 0,
		`${field} must be on a whole minute (no seconds): schedule apps read times to the minute`
	);

export const endAfterStart = {
	message: 'end must be after start',
	path: ['end']
};

export const entryCreateSchema = z
	.strictObject({
		title: entryTitleSchema,
		description: entryDescriptionSchema.optional(),
		locationId: locationIdSchema.optional(),
		start: entryTimeSchema('start'),
		end: entryTimeSchema('end'),
		/** New entries are drafts unless told otherwise: nothing is published by accident. */
		visibility: visibilitySchema.optional(),
		crewNotes: crewNotesSchema.optional()
	})
	.refine((entry) => entry.start < entry.end, endAfterStart);
export type EntryCreate = z.infer<typeof entryCreateSchema>;

/** A patch may move start or end alone; the server checks start < end on the result. */
export const entryPatchSchema = z
	.strictObject({
		title: entryTitleSchema.optional(),
		description: entryDescriptionSchema.optional(),
		locationId: locationIdSchema.optional(),
		start: entryTimeSchema('start').optional(),
		end: entryTimeSchema('end').optional(),
		visibility: visibilitySchema.optional(),
		crewNotes: crewNotesSchema.optional()
	})
	.refine((patch) => Object.values(patch).some((value) => value !== undefined), {
		message: 'nothing to change: give at least one field'
	});
export type EntryPatch = z.infer<typeof entryPatchSchema>;

/** A wall-clock time as a datetime-local input sends it: 2026-07-04T18:30. */
export const localTimeSchema = (field: string) =>
	z
		.string({ error: `${field} is required` })
		.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, `${field} must be a date and time`);

/** The admin page's entry form: times are wall-clock times in the settings' time zone. */
export const entryFormSchema = z.object({
	id: z.string().max(64).optional(),
	/** The version the form was opened at: a save from an older one is refused (409). */
	version: z
		.string()
		.regex(/^\d{1,15}$/, 'version must be a whole number')
		.optional(),
	/** The form's values when it was opened (JSON), so a refused save keeps only real conflicts. */
	opened: z.string().max(100_000).optional(),
	title: entryTitleSchema,
	description: entryDescriptionSchema,
	locationId: z.string().max(64),
	start: localTimeSchema('start'),
	end: localTimeSchema('end'),
	visibility: visibilitySchema,
	crewNotes: crewNotesSchema
});
export const entryVisibilityFormSchema = z.object({
	id: z.string().min(1).max(64),
	visibility: visibilitySchema
});
export const entryDeleteFormSchema = z.object({
	id: z.string().min(1).max(64),
	confirm: z.literal('yes').optional()
});
