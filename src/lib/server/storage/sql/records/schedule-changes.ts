import type { ApiScheduleChange, ScheduleChangePart } from '$lib/api';
import type { ScheduleChangeRecords } from '../../records/schedule';
import type { Sql } from '../sql';

interface ScheduleChangeRow {
	event_id: number;
	at: number;
	entry_id: string | null;
	title: string;
	start_at: number | null;
	end_at: number | null;
	location: string | null;
	what: string;
}

const toApiScheduleChange = (row: ScheduleChangeRow): ApiScheduleChange => ({
	id: row.event_id,
	at: row.at,
	entryId: row.entry_id,
	title: row.title,
	start: row.start_at,
	end: row.end_at,
	location: row.location,
	what: JSON.parse(row.what) as ScheduleChangePart[]
});

export const sqlScheduleChanges = (sql: Sql): ScheduleChangeRecords => ({
	async add(change) {
		await sql.run(
			`INSERT INTO schedule_change (event_id, at, entry_id, title, start_at, end_at, location, what)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			change.id,
			change.at,
			change.entryId,
			change.title,
			change.start,
			change.end,
			change.location,
			JSON.stringify(change.what)
		);
	},
	async list({ limit, before, entryId }) {
		const where: string[] = [];
		const params: unknown[] = [];
		if (before !== undefined) {
			where.push('event_id < ?');
			params.push(before);
		}
		if (entryId !== undefined) {
			where.push('entry_id = ?');
			params.push(entryId);
		}
		const rows = await sql.all<ScheduleChangeRow>(
			`SELECT * FROM schedule_change ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
			ORDER BY event_id DESC LIMIT ?`,
			...params,
			limit
		);
		return rows.map(toApiScheduleChange);
	},
	async latestPerEntry(limit) {
		const rows = await sql.all<{ entry_id: string | null; event_id: number }>(
			'SELECT entry_id, event_id FROM schedule_change ORDER BY event_id DESC LIMIT ?',
			limit
		);
		const latest = new Map<string, number>();
		for (const row of rows) {
			if (row.entry_id !== null && !latest.has(row.entry_id))
				latest.set(row.entry_id, row.event_id);
		}
		return latest;
	},
	async prune(before) {
		return sql.run('DELETE FROM schedule_change WHERE at < ?', before);
	}
});
