import type { Change } from '../storage';
import type { LiveLogin } from '../storage/records/sessions';
import { endFamily } from './session-end';

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
export async function capLogins(
	tx: Change,
	userId: string,
	keep: string,
	max: number
): Promise<number> {
	const ended = loginsBeyondCap(await tx.sessions.liveLoginsOf(userId, keep), max);
	for (const family of ended) await endFamily(tx, userId, family, 'revoked');
	return ended.length;
}
