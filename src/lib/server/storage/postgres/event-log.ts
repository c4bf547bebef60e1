import { fromEventRow, type EventRow, type StoredEvent } from '../../events/stored-event';
import { sqlRecords } from '../sql/records';
import type { SessionEnd } from '../storage';
import { postgresSql, type Queryable } from './postgres-sql';

/** The highest committed id, 0 before the first: `event_head` keeps it through pruning. */
export async function readLastEventId(on: Queryable): Promise<number> {
	return (await postgresSql(on).value<number>('SELECT last_id FROM event_head')) ?? 0;
}

export async function readOldestEventId(on: Queryable): Promise<number | null> {
	return (await postgresSql(on).value<number | null>('SELECT MIN(id) FROM event')) ?? null;
}

/**
 * Events after `afterId` in id order: at most `maxEvents`, and no more once their stored data
 * reached `maxBytes` (one event always). The bytes are counted in the query, so a page of large
 * events is cut before it crosses the wire; `total` tells whether a row was left out.
 */
export async function readEventPage(
	on: Queryable,
	afterId: number,
	maxEvents: number,
	maxBytes = Infinity
): Promise<{ events: StoredEvent[]; complete: boolean }> {
	const rows = await postgresSql(on).all<EventRow & { total: number }>(
		`SELECT id, type, data, created_at, total FROM (
			SELECT id, type, data, created_at, count(*) OVER () AS total,
				sum(octet_length(data)) OVER (ORDER BY id) - octet_length(data) AS before
			FROM (SELECT * FROM event WHERE id > ? ORDER BY id LIMIT ?) AS next
		) AS page WHERE before < ? ORDER BY id`,
		afterId,
		maxEvents + 1,
		Number.isFinite(maxBytes) ? maxBytes : Number.MAX_SAFE_INTEGER
	);
	const total = rows[0]?.total ?? 0;
	const events = rows.slice(0, maxEvents).map(fromEventRow);
	return { events, complete: events.length === total };
}

export interface LogPage {
	events: StoredEvent[];
	/** Session endings, each with the head when its change committed. */
	ends: { id: number; afterEvent: number; end: SessionEnd }[];
	/** Nothing committed later was left out. */
	complete: boolean;
}

/**
 * What was committed after the given ids, a page at a time, in one statement (one moment, and
 * one round trip). An ending is announced before any event after its `afterEvent`, so a page
 * of events cut short carries only the endings before its last event, and a page of endings
 * cut short only the events before its last ending.
 */
export async function readCommittedAfter(
	on: Queryable,
	eventId: number,
	endId: number,
	maxEvents = 500,
	maxEnds = 500
): Promise<LogPage> {
	const sql = postgresSql(on);
	const rows = await sql.all<{
		kind: 'event' | 'end';
		id: number;
		type: string;
		data: string;
		created_at: number;
		after_event: number;
	}>(
		`WITH next_events AS (
			SELECT id, type, data, created_at FROM event WHERE id > ? ORDER BY id LIMIT ?
		), bound AS (
			SELECT CASE WHEN count(*) = ? THEN max(id) ELSE ? END AS upto FROM next_events
		), next_ends AS (
			SELECT s.id, s.after_event, s.data FROM session_end AS s, bound
			WHERE s.id > ? AND s.after_event <= bound.upto ORDER BY s.id LIMIT ?
		)
		SELECT 'event' AS kind, id, type, data, created_at, NULL::bigint AS after_event
		FROM next_events
		UNION ALL
		SELECT 'end', id, NULL, data, NULL, after_event FROM next_ends`,
		eventId,
		maxEvents,
		maxEvents,
		Number.MAX_SAFE_INTEGER,
		endId,
		maxEnds
	);
	const events: StoredEvent[] = [];
	const ends: LogPage['ends'] = [];
	for (const row of rows) {
		if (row.kind === 'event') events.push(fromEventRow(row));
		else ends.push({ id: row.id, afterEvent: row.after_event, end: JSON.parse(row.data) });
	}
	events.sort((a, b) => a.id - b.id);
	ends.sort((a, b) => a.id - b.id);
	// A `marks-shown` carries its markers only in memory (stored-event.ts): read back, they are
	// read now. A mark changed since has its own later event, which corrects what this one told.
	for (const event of events) {
		if (event.type !== 'marks-shown') continue;
		const markers = await sqlRecords(sql).interests.markersOf(event.data.entryId);
		event.data.markedBy = new Set(markers);
	}
	const eventsCut = events.length === maxEvents;
	const endsCut = ends.length === maxEnds;
	// Ends cut short: an event after the last one read may follow an ending not read yet.
	const until = endsCut ? ends[ends.length - 1].afterEvent : Infinity;
	return {
		events: events.filter((event) => event.id <= until),
		ends,
		complete: !eventsCut && !endsCut
	};
}

/** Deletes events, and the session endings of as long ago, created before `olderThan`. */
export async function pruneEvents(on: Queryable, olderThan: number): Promise<number> {
	const sql = postgresSql(on);
	await sql.run('DELETE FROM session_end WHERE created_at < ?', olderThan);
	return sql.run('DELETE FROM event WHERE created_at < ?', olderThan);
}
