import { getConfig } from '../config';
import { change, type Change } from '../storage';
import type { ServerSession } from '../types';
import { luciaFor } from './lucia';
import { capLogins } from './login-cap';
import { appendLoginUpdate } from './login-events';
import { newSessionRow, sessionTimes, toServerSession } from './session-rows';
import { generateSessionToken, hashSessionToken } from './token';

/**
 * Creates a session through Lucia inside the caller's change, keyed by the SHA-256 of a new
 * token. Lucia's adapter writes through the change's records (lucia.ts), so its insert joins
 * the change by design.
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
	await luciaFor(tx).createSession(user_id, attributes, { sessionId: id });
	// Lucia derives the expiry from the idle time alone; ours is also capped by the family's age.
	await tx.sessions.setExpiresAt(id, expires_at);
	const row = await tx.sessions.find(id);
	if (!row) throw new Error('the session could not be stored');
	return { token, session: toServerSession(row, times) };
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
		await appendLoginUpdate(tx, userId, started.session.family);
		await capLogins(tx, userId, started.session.family, getConfig().SESSION_MAX_LOGINS_PER_USER);
		return started;
	}, now);
}
