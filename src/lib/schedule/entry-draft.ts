import type { ApiEntry } from '$lib/api';
import { toLocalInput } from './zoned-time';

/** The fields of the admin's entry form, as its inputs hold them (strings). */
export const entryFormFields = [
	'title',
	'locationId',
	'visibility',
	'start',
	'end',
	'description',
	'crewNotes'
] as const;
export type EntryFormField = (typeof entryFormFields)[number];
export type EntryFormValues = Record<EntryFormField, string>;

/** An entry as its form shows it: wall-clock times in the gathering's zone. */
export function entryFormValues(
	entry: Pick<ApiEntry, 'title' | 'locationId' | 'visibility' | 'start' | 'end'> &
		Partial<Pick<ApiEntry, 'description' | 'crewNotes'>>,
	timeZone: string
): EntryFormValues {
	return {
		title: entry.title,
		locationId: entry.locationId ?? '',
		visibility: entry.visibility,
		start: toLocalInput(entry.start, timeZone),
		end: toLocalInput(entry.end, timeZone),
		description: entry.description ?? '',
		crewNotes: entry.crewNotes ?? ''
	};
}

/**
 * An edit of an entry in progress while other admins may change the same entry
 * (docs/decisions.md, "Two admins editing one entry"). `base` is the entry as last seen from the
 * server, `values` what the form holds. A field whose value is still its base is untouched and
 * follows the server; a field the person changed is theirs and is never overwritten. Where the
 * server changed a field the person also changed, that is a conflict: until the person settles
 * it, the save names the version they opened (`baseVersion`), which the server refuses.
 */
export interface EntryDraft {
	base: EntryFormValues;
	values: EntryFormValues;
	/** The version the person's form is known to agree with, but for the fields in conflict. */
	baseVersion: number;
	/** The latest version seen from the server. */
	latestVersion: number;
	/** Fields the server changed while the person had changed them too. */
	conflicts: EntryFormField[];
	/** Fields other admins changed since the form was opened: the notice tells of them. */
	changed: EntryFormField[];
}

export function openDraft(values: EntryFormValues, version: number): EntryDraft {
	return {
		base: { ...values },
		values: { ...values },
		baseVersion: version,
		latestVersion: version,
		conflicts: [],
		changed: []
	};
}

/** Conflicts the person has not settled yet (a field typed back to the server's value is). */
export const openConflicts = (draft: EntryDraft): EntryFormField[] =>
	draft.conflicts.filter((field) => draft.values[field] !== draft.base[field]);

/**
 * The version a save names: the latest seen when nothing is in conflict (the form holds the
 * server's values but for the person's own changes), else the one the person had before.
 */
export const saveVersion = (draft: EntryDraft): number =>
	openConflicts(draft).length ? draft.baseVersion : draft.latestVersion;

/** The entry moved on at the server: untouched fields follow it, the person's changes stay. */
export function mergeDraft(
	draft: EntryDraft,
	theirs: EntryFormValues,
	version: number
): EntryDraft {
	if (version <= draft.latestVersion) return draft;
	const values = { ...draft.values };
	const conflicts = new Set(openConflicts(draft));
	const changed = new Set(draft.changed);
	const settledBefore = conflicts.size === 0;
	for (const field of entryFormFields) {
		const mine = draft.values[field];
		const was = draft.base[field];
		const now = theirs[field];
		if (now === was) continue;
		changed.add(field);
		if (mine === was) values[field] = now;
		else if (mine === now) conflicts.delete(field);
		else conflicts.add(field);
	}
	return {
		base: { ...theirs },
		values,
		baseVersion: settledBefore ? draft.latestVersion : draft.baseVersion,
		latestVersion: version,
		conflicts: [...conflicts],
		changed: [...changed]
	};
}

/** The person keeps their values over the server's: the next save overwrites, knowingly. */
export const keepMine = (draft: EntryDraft): EntryDraft => ({
	...draft,
	baseVersion: draft.latestVersion,
	conflicts: []
});

/**
 * A save was refused (409): the form keeps the person's values against the entry as it is now.
 * The fields that differ are told, and saving again names the current version: it overwrites,
 * knowingly.
 */
export function conflictDraft(
	mine: EntryFormValues,
	theirs: EntryFormValues,
	version: number
): EntryDraft {
	const differing = entryFormFields.filter((field) => mine[field] !== theirs[field]);
	return {
		base: { ...theirs },
		values: { ...mine },
		baseVersion: version,
		latestVersion: version,
		conflicts: differing,
		changed: differing
	};
}

/**
 * A save was refused (409) while the form knew what it was opened with (`draft.base`): the
 * fields the person left alone take the current values, theirs stay, and only fields both
 * changed are told as conflicts. The person has now seen the current version: saving again
 * names it, and so overwrites those fields knowingly.
 */
export function refusedDraft(
	draft: EntryDraft,
	theirs: EntryFormValues,
	version: number
): EntryDraft {
	const merged = mergeDraft(draft, theirs, version);
	return { ...merged, baseVersion: merged.latestVersion };
}

/** What a form was opened with, as its hidden `opened` field carries it; null when unreadable. */
export function parseOpened(json: string | undefined): EntryFormValues | null {
	if (!json) return null;
	try {
		const value: unknown = JSON.parse(json);
		if (typeof value !== 'object' || value === null) return null;
		const fields = value as Record<string, unknown>;
		if (!entryFormFields.every((field) => typeof fields[field] === 'string')) return null;
		return pickFormValues(fields as Record<string, string>);
	} catch {
		return null;
	}
}

/** The form's fields out of what a form sent (a failed save's `fields`), blanks for any missing. */
export const pickFormValues = (fields: Record<string, string | undefined>): EntryFormValues =>
	Object.fromEntries(
		entryFormFields.map((field) => [field, fields[field] ?? ''])
	) as EntryFormValues;
