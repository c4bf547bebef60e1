import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { closeCodes, userTypes, type AccessLevel } from '$lib/api';
import { toApiSession } from '../auth/api-session';
import { checkSessionToken } from '../auth/session-check';
import { findSessionRow, sessionTimes } from '../auth/session-store';
import { getConfig } from '../config';
import { storage, type SessionEnd } from '../storage';
import { log } from '../log';
import { clientAddress, nodeHead, requestOrigin, sessionToken } from '../request-pipeline';
import type { ServerSession, ServerUser } from '../types';
import { streamCapRefusal } from './caps';
import { StreamConnection, type StreamHost } from './connection';
import { canReplayFrom } from './cursor';
import { createFanOut } from './fan-out';
import { pingAndHeartbeatFrames, writeFrames } from './frames';
import { inSlices } from './slices';
import { publishRegistry } from './open-streams';
import { endAffects, StreamRegistry } from './registry';
import { Replays } from './replay';
import { Deadlines } from './deadlines';
import { StreamSocket } from './socket';
import { recheckStreamSession, sessionDeadline } from './session-deadline';
import { registerUpgradeHandler } from './upgrade';
import { checkUpgradeRequest } from './upgrade-request';

/** Control frames carry at most 125 bytes; a 1 KiB limit on data frames is for anything else. */
const maxClientFrameBytes = 1024;

/** Starts the stream: subscribes to events and session endings and registers the upgrade handler. */
export function startStream(): { stop(): void } {
	const config = getConfig();
	// startApp runs this once per process, so this is the process's one registry.
	const registry = new StreamRegistry();
	publishRegistry(registry);
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: maxClientFrameBytes,
		WebSocket: StreamSocket,
		// The registry knows every open stream; ws' own set would cost each one a closure and
		// an entry more. StreamSocket answers pings itself, for the same reason.
		clientTracking: false,
		autoPong: false
	});

	const fanOut = createFanOut(registry);
	const replays = new Replays(storage, () => fanOut.heard);
	const unsubscribeEvents = storage().onEvent((event) => fanOut.publish(event));
	/**
	 * Session endings heard while an upgrade checks its session, one list per upgrade: it is
	 * subscribed to them before it reads the session, as a stream is to events before it reads
	 * the head, so an ending committed during the check's await still closes the new stream.
	 */
	const endsDuringChecks = new Set<SessionEnd[]>();
	const unsubscribeEnds = storage().onSessionEnded((end) => {
		for (const conn of registry.affectedBy(end)) conn.endSession(end.reason);
		for (const ends of endsDuringChecks) ends.push(end);
	});

	const heartbeatMs = config.STREAM_HEARTBEAT_SECONDS * 1000;
	const heartbeat = setInterval(() => {
		// In slices, like fan-out: thousands of sockets at once would be one long loop turn.
		inSlices([...registry.all], (conn) => {
			// Not before its `connected` message.
			if (!conn.connected) return;
			if (conn.missedPongs >= 2) {
				conn.ws.terminate();
				return;
			}
			conn.missedPongs++;
			// The ping is invisible to a browser: the heartbeat message is what tells it the line
			// is alive. Both frames go in one write.
			if (!conn.closed) writeFrames(conn.ws, pingAndHeartbeatFrames);
			else conn.ws.ping();
		});
	}, heartbeatMs);
	heartbeat.unref();

	const deadlines = new Deadlines<StreamConnection>((conn) => {
		const sessionId = conn.sessionId;
		if (conn.closed || sessionId === null) return;
		storage()
			.read((db) => findSessionRow(db, sessionId))
			.then((row) => {
				if (conn.closed) return;
				const next = recheckStreamSession(row, Date.now(), sessionTimes(getConfig()));
				if ('end' in next) conn.endSession(next.end);
				else deadlines.watch(conn, sessionDeadline(next.watch).at);
			})
			.catch((error) => {
				log().error(
					{ event: 'stream-recheck-failed', err: error },
					'stream session recheck failed'
				);
				// Tried again a second later rather than left open past its deadline unchecked.
				if (!conn.closed) deadlines.watch(conn, Date.now() + 1000);
			});
	});

	const host: StreamHost = {
		maxBufferBytes: config.STREAM_MAX_BUFFER_BYTES,
		forget(conn) {
			deadlines.unwatch(conn);
			registry.remove(conn);
		}
	};

	async function open(
		ws: StreamSocket,
		session: ServerSession | null,
		user: ServerUser | null,
		address: string,
		cursor: number,
		endsDuringCheck: SessionEnd[]
	) {
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
		// the same step as the caps were counted (handleUpgrade), so a burst cannot pass them all.
		registry.add(conn);
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
		replays.start(conn);
	}

	async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
		socket.on('error', destroySocket);
		const endsDuringCheck: SessionEnd[] = [];
		try {
			const incoming = nodeHead(request);
			const origin = requestOrigin(incoming, config);
			const check = checkUpgradeRequest(request, origin);
			if (!check.ok) return refuse(socket, check.status, check.message);
			const address = clientAddress(request, config);
			if (address === null) return refuse(socket, 400, 'the client address header is missing');
			const token = sessionToken(incoming, check.url.origin);
			endsDuringChecks.add(endsDuringCheck);
			const auth = token
				? await checkSessionToken(token, {
						userAgent: request.headers['user-agent'] ?? '',
						mayRotate: false
					})
				: null;
			// Counted after the check's await, from here to the registry without one: a burst of
			// upgrades that all waited on their checks cannot all pass the count.
			const userId = auth?.session?.userId ?? null;
			const full = streamCapRefusal(
				{
					all: registry.all.size,
					anonymousOfAddress: userId === null ? registry.countAnonymousOfAddress(address) : null,
					ofUser: userId === null ? null : registry.countOfUser(userId)
				},
				{
					perInstance: config.STREAM_MAX_PER_INSTANCE,
					perAddress: config.STREAM_MAX_PER_ADDRESS,
					perUser: config.STREAM_MAX_PER_USER
				}
			);
			if (full) return refuse(socket, 429, full);
			upgrade(
				request,
				socket,
				head,
				auth?.session ?? null,
				auth?.user ?? null,
				address,
				check.lastEventId,
				endsDuringCheck
			);
		} catch (error) {
			log().error({ event: 'stream-upgrade-failed', err: error }, 'stream upgrade failed');
			refuse(socket, 503, 'the stream is unavailable');
		} finally {
			endsDuringChecks.delete(endsDuringCheck);
		}
	}

	/**
	 * Its own function, so that the callback's closure holds these five values only: a closure
	 * keeps its whole scope alive for as long as the socket lives, and the request's scope holds
	 * the parsed URL, the cookie check and more, a few hundred bytes per idle stream.
	 */
	function upgrade(
		request: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		session: ServerSession | null,
		user: ServerUser | null,
		address: string,
		cursor: number,
		endsDuringCheck: SessionEnd[]
	) {
		// ws calls back in this same step (no verifyClient), so the registry is joined in it.
		wss.handleUpgrade(request, socket, head, (ws) => {
			// ws has its own error listener on the socket now.
			socket.off('error', destroySocket);
			open(ws as StreamSocket, session, user, address, cursor, endsDuringCheck).catch((error) => {
				log().error({ event: 'stream-open-failed', err: error }, 'stream open failed');
				ws.conn?.end(closeCodes.internalError, 'open failed');
			});
		});
	}

	registerUpgradeHandler((request, socket, head) => void handleUpgrade(request, socket, head));

	return {
		stop() {
			clearInterval(heartbeat);
			deadlines.stop();
			unsubscribeEvents();
			unsubscribeEnds();
			for (const conn of registry.all) conn.end(closeCodes.goingAway, 'server shutting down');
			wss.close();
		}
	};
}

/** One function for every socket, not a closure per socket: until the handshake is done. */
function destroySocket(this: Duplex) {
	this.destroy();
}

/**
 * The user's type as this module's own string: the row's is a copy per stream, and a stream
 * keeps it for its life.
 */
function levelOf(user: ServerUser | null): AccessLevel {
	if (!user) return 'public';
	return userTypes.find((type) => type === user.type) ?? user.type;
}

const statusText: Record<number, string> = {
	400: 'Bad Request',
	403: 'Forbidden',
	404: 'Not Found',
	421: 'Misdirected Request',
	429: 'Too Many Requests',
	503: 'Service Unavailable'
};

function refuse(socket: Duplex, status: number, message: string) {
	const body = JSON.stringify({ message });
	socket.end(
		`HTTP/1.1 ${status} ${statusText[status]}\r\nConnection: close\r\n` +
			`Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}
