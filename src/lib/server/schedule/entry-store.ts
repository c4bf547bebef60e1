import { randomBytes } from 'node:crypto';
import type { Visibility } from '$lib/api';
import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';
import type { ServerEntry } from './server-entry';

interface EntryRow {
	id: string;
	title: string;
	description: string;
	location_id: string | null;
	start_at: number;
	end_at: number;
	visibility: Visibility;
	crew_notes: string;
	created_at: number;
	updated_at: number;
	revision: number;
	interested_count: number;
}

const toServerEntry = (row: EntryRow): ServerEntry => ({
	id: row.id,
	title: row.title,
	description: row.description,
	locationId: row.location_id,
	start: row.start_at,
	end: row.end_at,
	visibility: row.visibility,
	crewNotes: row.crew_notes,
	createdAt: row.created_at,
	updatedAt: row.updated_at,
	revision: row.revision,
	interestedCount: row.interested_count
});

/** Every entry read with how many users marked it: crew and admins see the count. */
const selectEntries = `SELECT entry.*,
	(SELECT COUNT(*) FROM interest WHERE interest.entry_id = entry.id) AS interested_count
	FROM entry`;

export const generateEntryId = () => randomBytes(10).toString('base64url');

export function findEntry(db: Db, id: string): ServerEntry | undefined {
	const row = prepared(db, `${selectEntries} WHERE id = ?`).get(id) as EntryRow | undefined;
	return row && toServerEntry(row);
}

/** Entries of the given visibilities, in schedule order. */
export function listEntries(db: Db, visibilities: readonly Visibility[]): ServerEntry[] {
	const rows = prepared(
		db,
		`${selectEntries} WHERE visibility IN (SELECT value FROM json_each(?))
		ORDER BY start_at, end_at, title, id`
	).all(JSON.stringify(visibilities)) as EntryRow[];
	return rows.map(toServerEntry);
}

/**
 * Entries of the given visibilities starting in [from, to), in schedule order; with `runningAt`,
 * also those that started before `from` and are still running then (a night's set past the
 * day's start is on now).
 */
export function listEntriesStartingIn(
	db: Db,
	visibilities: readonly Visibility[],
	from: number,
	to: number,
	runningAt: number | null = null
): ServerEntry[] {
	const rows = prepared(
		db,
		`${selectEntries} WHERE visibility IN (SELECT value FROM json_each(?))
		AND ((start_at >= ? AND start_at < ?) OR (start_at < ? AND end_at > ?))
		ORDER BY start_at, end_at, title, id`
	).all(JSON.stringify(visibilities), from, to, from, runningAt) as EntryRow[];
	return rows.map(toServerEntry);
}

/**
 * Entries of the given visibilities whose title or description holds `text` (any case, as
 * SQLite's LIKE does for ASCII), in schedule order, at most `limit`. The text's own `%`, `_` and
 * `\\` match themselves.
 */
export function findEntriesContaining(
	db: Db,
	visibilities: readonly Visibility[],
	text: string,
	limit: number
): ServerEntry[] {
	const pattern = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
	const rows = prepared(
		db,
		`${selectEntries} WHERE visibility IN (SELECT value FROM json_each(?))
		AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')
		ORDER BY start_at, end_at, title, id LIMIT ?`
	).all(JSON.stringify(visibilities), pattern, pattern, limit) as EntryRow[];
	return rows.map(toServerEntry);
}

/** The first start at or after `from` among entries of the given visibilities. */
export function firstStartFrom(
	db: Db,
	visibilities: readonly Visibility[],
	from: number
): number | undefined {
	return (prepared(
		db,
		`SELECT MIN(start_at) FROM entry WHERE visibility IN (SELECT value FROM json_each(?))
		AND start_at >= ?`
	)
		.pluck()
		.get(JSON.stringify(visibilities), from) ?? undefined) as number | undefined;
}

export function countEntriesAt(db: Db, locationId: string): number {
	return prepared(db, 'SELECT COUNT(*) FROM entry WHERE location_id = ?')
		.pluck()
		.get(locationId) as number;
}

export function insertEntry(db: Db, entry: ServerEntry): void {
	prepared(
		db,
		`INSERT INTO entry (id, title, description, location_id, start_at, end_at, visibility,
			crew_notes, created_at, updated_at, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	).run(
		entry.id,
		entry.title,
		entry.description,
		entry.locationId,
		entry.start,
		entry.end,
		entry.visibility,
		entry.crewNotes,
		entry.createdAt,
		entry.updatedAt,
		entry.revision
	);
}

export function saveEntry(db: Db, entry: ServerEntry): void {
	prepared(
		db,
		`UPDATE entry SET title = ?, description = ?, location_id = ?, start_at = ?, end_at = ?,
			visibility = ?, crew_notes = ?, updated_at = ?, revision = ?
		WHERE id = ?`
	).run(
		entry.title,
		entry.description,
		entry.locationId,
		entry.start,
		entry.end,
		entry.visibility,
		entry.crewNotes,
		entry.updatedAt,
		entry.revision,
		entry.id
	);
}

export function deleteEntryRow(db: Db, id: string): void {
	prepared(db, 'DELETE FROM entry WHERE id = ?').run(id);
}

/** Every change to the schedule moves its clock, so a calendar feed knows it is stale. */
export function touchSchedule(db: Db, now: number): void {
	prepared(
		db,
		`INSERT INTO schedule_clock (id, changed_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET changed_at = MAX(changed_at, excluded.changed_at)`
	).run(now);
}

export function scheduleChangedAt(db: Db): number {
	return (prepared(db, 'SELECT changed_at FROM schedule_clock WHERE id = 1').pluck().get() ??
		0) as number;
}
