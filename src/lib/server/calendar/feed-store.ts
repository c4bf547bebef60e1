import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

/** A user's personal calendar feed: never its secret, only the secret's hash finds it. */
export interface CalendarFeedRecord {
	userId: string;
	createdAt: number;
}

interface FeedRow {
	user_id: string;
	created_at: number;
}

const toRecord = (row: FeedRow): CalendarFeedRecord => ({
	userId: row.user_id,
	createdAt: row.created_at
});

/**
 * One feed per user: a new one replaces the old, whose URL stops working. (`changed_at` is no
 * longer read: the feed's validators follow its body, docs/api.md "Conditional GET".)
 */
export function replaceCalendarFeed(db: Db, userId: string, tokenHash: string, now: number): void {
	prepared(
		db,
		`INSERT INTO calendar_feed (user_id, token_hash, created_at, changed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
			created_at = excluded.created_at, changed_at = excluded.changed_at`
	).run(userId, tokenHash, now, now);
}

export function findCalendarFeedByTokenHash(
	db: Db,
	tokenHash: string
): CalendarFeedRecord | undefined {
	const row = prepared(
		db,
		'SELECT user_id, created_at FROM calendar_feed WHERE token_hash = ?'
	).get(tokenHash) as FeedRow | undefined;
	return row && toRecord(row);
}

export function findCalendarFeedOf(db: Db, userId: string): CalendarFeedRecord | undefined {
	const row = prepared(db, 'SELECT user_id, created_at FROM calendar_feed WHERE user_id = ?').get(
		userId
	) as FeedRow | undefined;
	return row && toRecord(row);
}

/** True when the user had a feed. */
export function deleteCalendarFeed(db: Db, userId: string): boolean {
	return prepared(db, 'DELETE FROM calendar_feed WHERE user_id = ?').run(userId).changes === 1;
}
