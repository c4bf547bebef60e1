import { closeCodes, userTypes, type AccessLevel } from '$lib/api';
import { toApiSession } from '../auth/api-session';
import type { Config } from '../config';
import { storage, type SessionEnd } from '../storage';
import type { ServerSession, ServerUser } from '../types';
import { StreamConnection, type StreamHost } from './connection';
import { canReplayFrom } from './cursor';
import { sessionDeadline, type SessionDeadlines } from './deadlines';
import { endAffects, type StreamRegistry } from './registry';
import type { Replays } from './replay';
import type { StreamSocket } from './socket';

/** Opens the stream of an upgrade that passed its checks and the caps. */
export type OpenStream = (
	ws: StreamSocket,
	session: ServerSession | null,
	user: ServerUser | null,
	address: string,
	cursor: number,
	endsDuringCheck: SessionEnd[]
) => Promise<void>;

/**
 * Opening a stream: it joins the registry, gets its `connected` message, then its replay, or
 * `resync` when replay cannot catch it up.
 */
export function createOpen(
	config: Config,
	registry: StreamRegistry,
	replays: Replays,
	deadlines: SessionDeadlines,
	heartbeatMs: number
): OpenStream {
	const host: StreamHost = {
		maxBufferBytes: config.STREAM_MAX_BUFFER_BYTES,
		forget(conn) {
			deadlines.unwatch(conn);
			registry.remove(conn);
		}
	};

	return async function open(ws, session, user, address, cursor, endsDuringCheck) {
		const conn = new StreamConnection(
			ws,
			host,
			levelOf(user),
			user?.id ?? null,
			session?.id ?? null,
			session?.family ?? null,
			address,
			cursor
		);
		// From here the socket's events go to the connection (see StreamSocket).
		ws.conn = conn;

		// The upgrade never rotates: a session that is due goes to rotate over HTTP first.
		if (session && Date.now() >= session.rotatesAt) return conn.endSession('rotated');

		// Subscribe before reading anything, so no event falls between backlog and live; and in
		// the same step as the caps were counted (upgrade.ts), so a burst cannot pass them all.
		registry.add(conn);
		// Endings heard while the upgrade checked its session, before the stream could hear them.
		for (const end of endsDuringCheck) {
			if (endAffects(end, conn)) return conn.endSession(end.reason);
		}
		const [head, oldest] = await Promise.all([storage().log.headId(), storage().log.oldestId()]);
		// Closed meanwhile: by its client, or by a session ending (it was subscribed to both).
		if (conn.closed) return;
		conn.sendMessage({
			type: 'connected',
			session: session && user ? toApiSession(session, user) : null,
			lastEventId: head,
			heartbeatMs
		});
		conn.connected = true;
		if (!canReplayFrom(cursor, head, oldest, config.STREAM_REPLAY_MAX_EVENTS)) {
			conn.sendMessage({ type: 'resync' });
			return conn.end(closeCodes.resync, 'resync');
		}
		if (session) deadlines.watch(conn, sessionDeadline(session).at);
		// Its hand-over to live delivery is the replay's (replay.ts).
		replays.start(conn);
	};
}

/**
 * The user's type as this module's own string: the row's is a copy per stream, and a stream
 * keeps it for its life.
 */
function levelOf(user: ServerUser | null): AccessLevel {
	if (!user) return 'public';
	return userTypes.find((type) => type === user.type) ?? user.type;
}
