import type { Change } from '../events/change';
import { prepared } from '../storage/sqlite/statements';
import { endFamily } from './session-end';

export interface LiveLogin {
	id: string;
	lastSeenAt: number;
	createdAt: number;
}

/**
 * Which of a user's other logins a new one ends so that at most `max` stay live with it: the
 * least recently used, so whoever is active keeps their session.
 */
export function loginsBeyondCap(others: LiveLogin[], max: number): string[] {
	return [...others]
		.sort(
			(a, b) => b.lastSeenAt - a.lastSeenAt || b.createdAt - a.createdAt || a.id.localeCompare(b.id)
		)
		.slice(Math.max(0, max - 1))
		.map((login) => login.id);
}

/**
 * Holds the user to `max` live logins, `keep` (the new one) among them: ended ones close their
 * streams with `revoked` and leave the sessions list, in the caller's change.
 */
export function capLogins(tx: Change, userId: string, keep: string, max: number): number {
	const others = prepared(
		tx.db,
		`SELECT family AS id, last_seen_at AS lastSeenAt, family_created_at AS createdAt
			FROM session WHERE user_id = ? AND family != ? AND rotated_at IS NULL
				AND ended_reason IS NULL`
	).all(userId, keep) as LiveLogin[];
	const ended = loginsBeyondCap(others, max);
	for (const family of ended) endFamily(tx, userId, family, 'revoked');
	return ended.length;
}
