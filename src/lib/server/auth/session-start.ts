import { getConfig } from '../config';
import { getDb } from '../db';
import type { ServerSession } from '../types';
import { getLucia } from './lucia';
import { findSessionRow, newSessionRow, sessionTimes, toServerSession } from './session-store';
import { generateSessionToken, hashSessionToken } from './token';

/** A login: a new session family, created through Lucia with the token's hash as its key. */
export async function startSession(
	userId: string,
	userAgent: string
): Promise<{ token: string; session: ServerSession }> {
	const times = sessionTimes(getConfig());
	const token = generateSessionToken();
	const { id, user_id, expires_at, ...attributes } = newSessionRow(
		{ id: hashSessionToken(token), userId, userAgent },
		Date.now(),
		times
	);
	await getLucia(false).createSession(user_id, attributes, { sessionId: id });
	// Lucia derives expires_at from the idle time alone; ours is also capped by the family's age.
	getDb().prepare('UPDATE session SET expires_at = ? WHERE id = ?').run(expires_at, id);
	return { token, session: toServerSession(findSessionRow(getDb(), id)!, times) };
}
