import { fromEventRow, type EventRow, type StoredEvent } from '../../events/stored-event';
import type { Db } from './open';
import { prepared } from './statements';

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

/**
 * Events after `afterId` in id order: at most `maxEvents`, and no more once their stored data
 * reached `maxBytes` (one event always, however large). `complete` when no later event was
 * committed yet: the caller has read the whole log.
 */
export function readEventPage(
	db: Db,
	afterId: number,
	maxEvents: number,
	maxBytes = Infinity
): { events: StoredEvent[]; complete: boolean } {
	const rows = prepared(
		db,
		'SELECT id, type, data, created_at FROM event WHERE id > ? ORDER BY id LIMIT ?'
	).iterate(afterId, maxEvents + 1) as IterableIterator<EventRow>;
	const events: StoredEvent[] = [];
	let bytes = 0;
	for (const row of rows) {
		// Leaving the loop early ends the statement, so reading one row more costs nothing kept.
		if (events.length === maxEvents || bytes >= maxBytes) return { events, complete: false };
		events.push(fromEventRow(row));
		bytes += row.data.length;
	}
	return { events, complete: true };
}

export function pruneEvents(db: Db, olderThan: number): number {
	return prepared(db, 'DELETE FROM event WHERE created_at < ?').run(olderThan).changes;
}
