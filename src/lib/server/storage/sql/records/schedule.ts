import type { Visibility } from '$lib/api';
import type { ServerEntry } from '../../../types';
import type { EntryRecords, InterestRecords, LocationRecords } from '../../records/schedule';
import { placeholders, type Sql } from '../sql';
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
	calendar_revision: number;
	calendar_changed_at: number;
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
	calendarRevision: row.calendar_revision,
	calendarChangedAt: row.calendar_changed_at,
	interestedCount: row.interested_count
});

const selectEntries = `SELECT entry.*,
	(SELECT COUNT(*) FROM interest WHERE interest.entry_id = entry.id) AS interested_count
	FROM entry`;
const scheduleOrder = 'ORDER BY start_at, end_at, title, id';

/**
 * A statement whose text holds one placeholder per visibility bound (`IN (?, ?)`): made once
 * for each count, of which there are at most three.
 */
function perCount(text: (visibilities: string) => string) {
	const texts: string[] = [];
	// `IN ()` is PostgreSQL's syntax error; no visibility matches no entry.
	return (count: number) =>
		(texts[count] ??= text(count ? `visibility IN (${placeholders(count)})` : '0 = 1'));
}

export const sqlEntries = (sql: Sql): EntryRecords => {
	const like = `${sql.dialect.like} ? ESCAPE '\\'`;
	const list = perCount(
		(ofVisibilities) => `${selectEntries} WHERE ${ofVisibilities} ${scheduleOrder}`
	);
	const listStartingIn = perCount(
		(ofVisibilities) => `${selectEntries} WHERE ${ofVisibilities}
			AND ((start_at >= ? AND start_at < ?) OR (start_at < ? AND end_at > ?)) ${scheduleOrder}`
	);
	const search = perCount(
		(ofVisibilities) => `${selectEntries} WHERE ${ofVisibilities}
			AND (title ${like} OR description ${like}) ${scheduleOrder} LIMIT ?`
	);
	const markedBy = perCount(
		(ofVisibilities) => `${selectEntries} JOIN interest AS mark ON mark.entry_id = entry.id
			WHERE mark.user_id = ? AND ${ofVisibilities} ORDER BY mark.created_at, mark.entry_id`
	);
	const firstStartFrom = perCount(
		(ofVisibilities) => `SELECT MIN(start_at) FROM entry WHERE ${ofVisibilities} AND start_at >= ?`
	);
	const touchClock = `INSERT INTO schedule_clock (id, changed_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE
		SET changed_at = ${sql.dialect.greatest('schedule_clock.changed_at', 'excluded.changed_at')}`;
	return {
		async find(id) {
			const row = await sql.get<EntryRow>(`${selectEntries} WHERE id = ?`, id);
			return row && toServerEntry(row);
		},
		async list(visibilities) {
			return (await sql.all<EntryRow>(list(visibilities.length), ...visibilities)).map(
				toServerEntry
			);
		},
		async listStartingIn(visibilities, from, to, runningAt = null) {
			const rows = await sql.all<EntryRow>(
				listStartingIn(visibilities.length),
				...visibilities,
				from,
				to,
				from,
				runningAt
			);
			return rows.map(toServerEntry);
		},
		async search(visibilities, text, limit) {
			const pattern = containing(text);
			const rows = await sql.all<EntryRow>(
				search(visibilities.length),
				...visibilities,
				pattern,
				pattern,
				limit
			);
			return rows.map(toServerEntry);
		},
		async markedBy(userId, visibilities) {
			const rows = await sql.all<EntryRow>(markedBy(visibilities.length), userId, ...visibilities);
			return rows.map(toServerEntry);
		},
		async firstStartFrom(visibilities, from) {
			return (
				(await sql.value<number | null>(
					firstStartFrom(visibilities.length),
					...visibilities,
					from
				)) ?? undefined
			);
		},
		async countAt(locationId) {
			return (await sql.value<number>(
				'SELECT COUNT(*) FROM entry WHERE location_id = ?',
				locationId
			)) as number;
		},
		async renamedAt(locationId, now) {
			await sql.run(
				`UPDATE entry SET calendar_revision = calendar_revision + 1,
					calendar_changed_at = CASE WHEN calendar_changed_at > ? THEN calendar_changed_at ELSE ? END
				WHERE location_id = ? AND visibility = 'public'`,
				now,
				now,
				locationId
			);
		},
		async insert(entry) {
			await sql.run(
				`INSERT INTO entry (id, title, description, location_id, start_at, end_at, visibility,
					crew_notes, created_at, updated_at, revision, calendar_revision, calendar_changed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
				entry.revision,
				entry.calendarRevision,
				entry.calendarChangedAt
			);
		},
		async save(entry) {
			await sql.run(
				`UPDATE entry SET title = ?, description = ?, location_id = ?, start_at = ?, end_at = ?,
					visibility = ?, crew_notes = ?, updated_at = ?, revision = ?, calendar_revision = ?,
					calendar_changed_at = ?
				WHERE id = ?`,
				entry.title,
				entry.description,
				entry.locationId,
				entry.start,
				entry.end,
				entry.visibility,
				entry.crewNotes,
				entry.updatedAt,
				entry.revision,
				entry.calendarRevision,
				entry.calendarChangedAt,
				entry.id
			);
		},
		async delete(id) {
			await sql.run('DELETE FROM entry WHERE id = ?', id);
		},
		async touchClock(now) {
			await sql.run(touchClock, now);
		},
		async clock() {
			return (await sql.value<number>('SELECT changed_at FROM schedule_clock WHERE id = 1')) ?? 0;
		}
	};
};

interface LocationRow {
	id: string;
	name: string;
	description: string;
}

export const sqlLocations = (sql: Sql): LocationRecords => {
	const byName = `ORDER BY ${sql.dialect.nocase('name')}, id`;
	const list = `SELECT id, name, description FROM location ${byName}`;
	const listNames = `SELECT id, name FROM location ${byName}`;
	return {
		async find(id) {
			const row = await sql.get<LocationRow>(
				'SELECT id, name, description FROM location WHERE id = ?',
				id
			);
			return row && { id: row.id, name: row.name, description: row.description };
		},
		async list() {
			return (await sql.all<LocationRow>(list)).map((row) => ({
				id: row.id,
				name: row.name,
				description: row.description
			}));
		},
		async listNames() {
			return sql.all<{ id: string; name: string }>(listNames);
		},
		async insert(location, now) {
			await sql.run(
				'INSERT INTO location (id, name, description, created_at) VALUES (?, ?, ?, ?)',
				location.id,
				location.name,
				location.description,
				now
			);
		},
		async save(location) {
			await sql.run(
				'UPDATE location SET name = ?, description = ? WHERE id = ?',
				location.name,
				location.description,
				location.id
			);
		},
		async delete(id) {
			await sql.run('DELETE FROM location WHERE id = ?', id);
		}
	};
};

export const sqlInterests = (sql: Sql): InterestRecords => ({
	async add(userId, entryId, now) {
		return (
			(await sql.run(
				'INSERT INTO interest (user_id, entry_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
				userId,
				entryId,
				now
			)) === 1
		);
	},
	async remove(userId, entryId) {
		return (
			(await sql.run(
				'DELETE FROM interest WHERE user_id = ? AND entry_id = ?',
				userId,
				entryId
			)) === 1
		);
	},
	async has(userId, entryId) {
		return (
			(await sql.get(
				'SELECT 1 FROM interest WHERE user_id = ? AND entry_id = ?',
				userId,
				entryId
			)) !== undefined
		);
	},
	async markersOf(entryId) {
		return sql.values<string>('SELECT user_id FROM interest WHERE entry_id = ?', entryId);
	},
	async deleteAllOf(userId) {
		return sql.values<string>('DELETE FROM interest WHERE user_id = ? RETURNING entry_id', userId);
	}
});
