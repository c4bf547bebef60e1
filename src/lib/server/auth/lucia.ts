import { Lucia, TimeSpan } from 'lucia';
import { BetterSqlite3Adapter } from '@lucia-auth/adapter-sqlite';
import { getConfig } from '../config';
import { storage, type Db } from '../storage';
import { sessionCookieName } from './cookie';
import type { SessionInsert } from './session-store';

function createLucia(secure: boolean, db: Db) {
	const config = getConfig();
	return new Lucia(new BetterSqlite3Adapter(db, { user: 'user', session: 'session' }), {
		sessionExpiresIn: new TimeSpan(Math.ceil(config.SESSION_IDLE_SECONDS), 's'),
		// The app writes and reads the cookie itself (cookie.ts); Lucia only stores sessions.
		sessionCookie: { name: sessionCookieName(secure), attributes: { secure } }
	});
}

declare module 'lucia' {
	interface Register {
		Lucia: ReturnType<typeof createLucia>;
		DatabaseSessionAttributes: Omit<SessionInsert, 'id' | 'user_id' | 'expires_at'>;
		DatabaseUserAttributes: Record<string, unknown>;
	}
}

type Instances = Map<boolean, ReturnType<typeof createLucia>>;
const key = Symbol.for('tidewatch.lucia');
type Global = { [key]?: WeakMap<object, Instances> };

/**
 * One Lucia per connection and cookie flavour: plain http (development, tests) and https. Its
 * writes happen only inside a change, on the change's connection (`db`).
 */
export function getLucia(secure: boolean, db: Db = storage().db) {
	const byDb = ((globalThis as Global)[key] ??= new WeakMap());
	let instances = byDb.get(db);
	if (!instances) byDb.set(db, (instances = new Map()));
	let lucia = instances.get(secure);
	if (!lucia) instances.set(secure, (lucia = createLucia(secure, db)));
	return lucia;
}
