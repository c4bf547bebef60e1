import type { Change } from '../events/change';
import { getConfig } from '../config';
import { change } from '../events/change';
import type { ServerSession } from '../types';
import { getLucia } from './lucia';
import { capLogins } from './login-cap';
import { appendLoginUpdate } from './login-events';
import { findSessionRow, newSessionRow, sessionTimes, toServerSession } from './session-store';
import { generateSessionToken, hashSessionToken } from './token';
import { prepared } from '../storage/sqlite/statements';

/**
 * Creates a session through Lucia inside the caller's change, keyed by the SHA-256 of a new
 * token. Lucia writes on the change's own connection, which no other code uses until the
 * change commits (storage/sqlite/sqlite-storage.ts), so its INSERT joins the change whatever
 * Lucia awaits on the way.
 */
export async function createSession(
	tx: Change,
	input: { userId: string; userAgent: string; family?: string; familyCreatedAt?: number }
): Promise<{ token: string; session: ServerSession }> {
	const times = sessionTimes(getConfig());
	const token = generateSessionToken();
	const { id, user_id, expires_at, ...attributes } = newSessionRow(
		{ ...input, id: hashSessionToken(token) },
		tx.now,
		times
	);
	await getLucia(false, tx.db).createSession(user_id, attributes, { sessionId: id });
	if (!findSessionRow(tx.db, id)) throw new Error('the session could not be stored');
	// Lucia derives expires_at from the idle time alone; ours is also capped by the family's age.
	prepared(tx.db, 'UPDATE session SET expires_at = ? WHERE id = ?').run(expires_at, id);
	return { token, session: toServerSession(findSessionRow(tx.db, id)!, times) };
}

/**
 * A login: a new session family, and the account's sessions list tells of it. Beyond the cap on
 * live logins, the least recently used ones end in the same change.
 */
export async function startSession(
	userId: string,
	userAgent: string,
	now: number = Date.now()
): Promise<{ token: string; session: ServerSession }> {
	return change(async (tx) => {
		const started = await createSession(tx, { userId, userAgent });
		appendLoginUpdate(tx, userId, started.session.family);
		capLogins(tx, userId, started.session.family, getConfig().SESSION_MAX_LOGINS_PER_USER);
		return started;
	}, now);
}
