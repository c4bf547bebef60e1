import type { Visibility } from '$lib/api';
import type { ServerEntry } from '../../../types';
import type { EntryRecords, InterestRecords, LocationRecords } from '../../records/schedule';
import type { Db } from '../open';
import { prepared } from '../statements';
import { containing } from './like';

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

const selectEntries = `SELECT entry.*,
	(SELECT COUNT(*) FROM interest WHERE interest.entry_id = entry.id) AS interested_count
	FROM entry`;
const ofVisibilities = 'visibility IN (SELECT value FROM json_each(?))';
const scheduleOrder = 'ORDER BY start_at, end_at, title, id';

/** Insert and save bind the entry by its field names (`@title`); better-sqlite3 ignores the others. */
export const sqliteEntries = (db: Db): EntryRecords => ({
	async find(id) {
		const row = prepared(db, `${selectEntries} WHERE id = ?`).get(id) as EntryRow | undefined;
		return row && toServerEntry(row);
	},
	async list(visibilities) {
		const rows = prepared(db, `${selectEntries} WHERE ${ofVisibilities} ${scheduleOrder}`).all(
			JSON.stringify(visibilities)
		) as EntryRow[];
		return rows.map(toServerEntry);
	},
	async listStartingIn(visibilities, from, to, runningAt = null) {
		const rows = prepared(
			db,
			`${selectEntries} WHERE ${ofVisibilities}
			AND ((start_at >= ? AND start_at < ?) OR (start_at < ? AND end_at > ?)) ${scheduleOrder}`
		).all(JSON.stringify(visibilities), from, to, from, runningAt) as EntryRow[];
		return rows.map(toServerEntry);
	},
	async search(visibilities, text, limit) {
		const pattern = containing(text);
		const rows = prepared(
			db,
			`${selectEntries} WHERE ${ofVisibilities}
			AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\') ${scheduleOrder} LIMIT ?`
		).all(JSON.stringify(visibilities), pattern, pattern, limit) as EntryRow[];
		return rows.map(toServerEntry);
	},
	async markedBy(userId, visibilities) {
		const rows = prepared(
			db,
			`${selectEntries} JOIN interest AS mark ON mark.entry_id = entry.id
			WHERE mark.user_id = ? AND ${ofVisibilities} ORDER BY mark.created_at, mark.entry_id`
		).all(userId, JSON.stringify(visibilities)) as EntryRow[];
		return rows.map(toServerEntry);
	},
	async firstStartFrom(visibilities, from) {
		return (prepared(
			db,
			`SELECT MIN(start_at) FROM entry WHERE ${ofVisibilities} AND start_at >= ?`
		)
			.pluck()
			.get(JSON.stringify(visibilities), from) ?? undefined) as number | undefined;
	},
	async countAt(locationId) {
		return prepared(db, 'SELECT COUNT(*) FROM entry WHERE location_id = ?')
			.pluck()
			.get(locationId) as number;
	},
	async insert(entry) {
		prepared(
			db,
			`INSERT INTO entry (id, title, description, location_id, start_at, end_at, visibility,
				crew_notes, created_at, updated_at, revision)
			VALUES (@id, @title, @description, @locationId, @start, @end, @visibility, @crewNotes,
				@createdAt, @updatedAt, @revision)`
		).run(entry);
	},
	async save(entry) {
		prepared(
			db,
			`UPDATE entry SET title = @title, description = @description, location_id = @locationId,
				start_at = @start, end_at = @end, visibility = @visibility, crew_notes = @crewNotes,
				updated_at = @updatedAt, revision = @revision
			WHERE id = @id`
		).run(entry);
	},
	async delete(id) {
		prepared(db, 'DELETE FROM entry WHERE id = ?').run(id);
	},
	async touchClock(now) {
		prepared(
			db,
			`INSERT INTO schedule_clock (id, changed_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET changed_at = MAX(changed_at, excluded.changed_at)`
		).run(now);
	},
	async clock() {
		return (prepared(db, 'SELECT changed_at FROM schedule_clock WHERE id = 1').pluck().get() ??
			0) as number;
	}
});

interface LocationRow {
	id: string;
	name: string;
	description: string;
}

const byName = 'ORDER BY name COLLATE NOCASE, id';

export const sqliteLocations = (db: Db): LocationRecords => ({
	async find(id) {
		const row = prepared(db, 'SELECT id, name, description FROM location WHERE id = ?').get(id) as
			LocationRow | undefined;
		return row && { id: row.id, name: row.name, description: row.description };
	},
	async list() {
		return (
			prepared(db, `SELECT id, name, description FROM location ${byName}`).all() as LocationRow[]
		).map((row) => ({ id: row.id, name: row.name, description: row.description }));
	},
	async listNames() {
		return prepared(db, `SELECT id, name FROM location ${byName}`).all() as {
			id: string;
			name: string;
		}[];
	},
	async insert(location, now) {
		prepared(
			db,
			'INSERT INTO location (id, name, description, created_at) VALUES (?, ?, ?, ?)'
		).run(location.id, location.name, location.description, now);
	},
	async save(location) {
		prepared(db, 'UPDATE location SET name = ?, description = ? WHERE id = ?').run(
			location.name,
			location.description,
			location.id
		);
	},
	async delete(id) {
		prepared(db, 'DELETE FROM location WHERE id = ?').run(id);
	}
});

export const sqliteInterests = (db: Db): InterestRecords => ({
	async add(userId, entryId, now) {
		return (
			prepared(
				db,
				'INSERT INTO interest (user_id, entry_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
			).run(userId, entryId, now).changes === 1
		);
	},
	async remove(userId, entryId) {
		return (
			prepared(db, 'DELETE FROM interest WHERE user_id = ? AND entry_id = ?').run(userId, entryId)
				.changes === 1
		);
	},
	async has(userId, entryId) {
		return !!prepared(db, 'SELECT 1 FROM interest WHERE user_id = ? AND entry_id = ?').get(
			userId,
			entryId
		);
	},
	async markersOf(entryId) {
		return prepared(db, 'SELECT user_id FROM interest WHERE entry_id = ?')
			.pluck()
			.all(entryId) as string[];
	},
	async deleteAllOf(userId) {
		return prepared(db, 'DELETE FROM interest WHERE user_id = ? RETURNING entry_id')
			.pluck()
			.all(userId) as string[];
	}
});
