import { Lucia, TimeSpan, type Adapter, type DatabaseSession } from 'lucia';
import { getConfig } from '../config';
import type { Change } from '../storage';
import type { SessionInsert, SessionRow } from '../storage/records/sessions';
import { sessionCookieName } from './cookie';
import { toLuciaSeconds } from './session-rows';

declare module 'lucia' {
	interface Register {
		Lucia: Lucia;
		DatabaseSessionAttributes: Omit<SessionInsert, 'id' | 'user_id' | 'expires_at'>;
		DatabaseUserAttributes: Record<string, unknown>;
	}
}

const toDatabaseSession = ({ id, user_id, expires_at, ...row }: SessionRow): DatabaseSession => ({
	id,
	userId: user_id,
	expiresAt: new Date(expires_at * 1000),
	attributes: {
		public_id: row.public_id,
		family: row.family,
		family_created_at: row.family_created_at,
		created_at: row.created_at,
		rotates_at: row.rotates_at,
		user_agent: row.user_agent,
		last_seen_at: row.last_seen_at
	}
});

/**
 * Lucia's adapter over one change's records: whatever Lucia reads and writes is in that change's
 * transaction, whatever it awaits on the way (docs/decisions.md, "Storage").
 */
function changeAdapter(tx: Change): Adapter {
	return {
		async getSessionAndUser(sessionId) {
			const row = await tx.sessions.find(sessionId);
			const user = row && (await tx.users.find(row.user_id));
			return [row ? toDatabaseSession(row) : null, user ? { id: user.id, attributes: {} } : null];
		},
		async getUserSessions(userId) {
			return (await tx.sessions.listOf(userId)).map(toDatabaseSession);
		},
		async setSession(session) {
			await tx.sessions.insert({
				...session.attributes,
				id: session.id,
				user_id: session.userId,
				expires_at: toLuciaSeconds(session.expiresAt.getTime())
			});
		},
		async updateSessionExpiration(sessionId, expiresAt) {
			await tx.sessions.setExpiresAt(sessionId, toLuciaSeconds(expiresAt.getTime()));
		},
		async deleteSession(sessionId) {
			await tx.sessions.delete(sessionId);
		},
		async deleteUserSessions(userId) {
			for (const row of await tx.sessions.listOf(userId)) await tx.sessions.delete(row.id);
		},
		async deleteExpiredSessions() {
			await tx.sessions.deleteExpired(Math.floor(tx.now / 1000));
		}
	};
}

/**
 * Lucia for one change. The app ends sessions by its own rules (tombstones, events) and writes
 * the cookie itself (cookie.ts): it asks Lucia only to create sessions.
 */
export function luciaFor(tx: Change): Lucia {
	return new Lucia(changeAdapter(tx), {
		sessionExpiresIn: new TimeSpan(Math.ceil(getConfig().SESSION_IDLE_SECONDS), 's'),
		sessionCookie: { name: sessionCookieName(false) }
	});
}
