import type { Db } from '../db';
import { fromEventRow, type EventRow, type StoredEvent } from './stored-event';
import { prepared } from '../db/statements';

/**
 * The highest committed event id, 0 before the first. AUTOINCREMENT's counter keeps it even
 * after retention pruned every row.
 */
export function readLastEventId(db: Db): number {
	return (
		(prepared(db, "SELECT seq FROM sqlite_sequence WHERE name = 'event'").pluck().get() as
			number | undefined) ?? 0
	);
}

/** The oldest kept id, or null when nothing is kept. */
export function readOldestEventId(db: Db): number | null {
	return (prepared(db, 'SELECT MIN(id) FROM event').pluck().get() as number | null) ?? null;
}

export function readEventsAfter(db: Db, afterId: number, limit: number): StoredEvent[] {
	const rows = prepared(
		db,
		'SELECT id, type, data, created_at FROM event WHERE id > ? ORDER BY id LIMIT ?'
	).all(afterId, limit) as EventRow[];
	return rows.map(fromEventRow);
}

export function pruneEvents(db: Db, olderThan: number): number {
	return prepared(db, 'DELETE FROM event WHERE created_at < ?').run(olderThan).changes;
}
