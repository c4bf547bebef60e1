import type { ApiOwnSession, ApiSecurityRecord } from '$lib/api';
import { appendEvent, type Change } from '../events/change';
import { prepared } from '../storage/sqlite/statements';

/**
 * The personal events of the account's sessions list: each names one login (its family) or one
 * security record, so what a login writes to the event log never grows with how many logins
 * the account holds.
 */

/** A login as the list shows it: its family's live session, or none once it ended. */
function findOwnSession(tx: Change, family: string): ApiOwnSession | undefined {
	return prepared(
		tx.db,
		`SELECT family AS id, family_created_at AS createdAt, last_seen_at AS lastSeenAt,
				user_agent AS userAgent
			FROM session WHERE family = ? AND rotated_at IS NULL AND ended_reason IS NULL`
	).get(family) as ApiOwnSession | undefined;
}

/** A login began (or what the list shows of it changed). */
export function appendLoginUpdate(tx: Change, userId: string, family: string): void {
	const session = findOwnSession(tx, family);
	if (session) appendEvent(tx, { type: 'session-update', data: { userId, session } });
}

/** A login ended, whatever ended it. */
export function appendLoginEnded(tx: Change, userId: string, id: string): void {
	appendEvent(tx, { type: 'session-delete', data: { userId, id } });
}

/** A login was ended as taken: it leaves the list and its security record joins the account's. */
export function appendLoginTaken(tx: Change, userId: string, family: string): void {
	appendLoginEnded(tx, userId, family);
	const record = prepared(
		tx.db,
		`SELECT kind, created_at AS createdAt, user_agent AS userAgent,
				other_user_agent AS otherUserAgent FROM security_record
			WHERE user_id = ? ORDER BY id DESC LIMIT 1`
	).get(userId) as ApiSecurityRecord | undefined;
	if (record) appendEvent(tx, { type: 'security-record', data: { userId, record } });
}
