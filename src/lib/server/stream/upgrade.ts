import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { closeCodes } from '$lib/api';
import { checkSessionToken } from '../auth/session-check';
import type { Config } from '../config';
import { log } from '../log';
import {
	clientAddress,
	loopbackOnlyMessage,
	nodeHead,
	requestOrigin,
	sessionToken
} from '../request-pipeline';
import type { SessionEnd } from '../storage';
import type { ServerSession, ServerUser } from '../types';
import { streamCapRefusal } from './caps';
import { parseLastEventId } from './cursor';
import type { OpenStream } from './open';
import type { StreamRegistry } from './registry';
import { replayWindowBits } from './replay-deflate';
import { StreamSocket } from './socket';

type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The server entry (server.js in production, the Vite plugin in development) finds the app's
 * upgrade handler here, so the stream runs on the app's own module instances.
 */
const upgradeHandlerKey = Symbol.for('tidewatch.upgradeHandler');
type Global = { [upgradeHandlerKey]?: UpgradeHandler };

export function registerUpgradeHandler(handler: UpgradeHandler): void {
	(globalThis as Global)[upgradeHandlerKey] = handler;
}

type UpgradeCheck =
	| { ok: true; lastEventId: number; url: URL }
	| { ok: false; status: 400 | 403 | 404 | 421; message: string };

/**
 * The refusals of docs/stream.md, decided before any socket exists. A browser always sends
 * `Origin` on a WebSocket; a foreign or missing one is refused so no other site can open a
 * stream with the visitor's cookie (cross-site WebSocket hijacking).
 */
function checkUpgradeRequest(request: IncomingMessage, appOrigin: string | null): UpgradeCheck {
	if (appOrigin === null) return { ok: false, status: 421, message: loopbackOnlyMessage };
	let url: URL;
	try {
		url = new URL(request.url ?? '/', appOrigin);
	} catch {
		return { ok: false, status: 400, message: 'bad request target' };
	}
	if (url.pathname !== '/api/events') return { ok: false, status: 404, message: 'not found' };
	if (request.headers.origin !== appOrigin) {
		return { ok: false, status: 403, message: 'the stream is only open to pages of this app' };
	}
	const lastEventId = parseLastEventId(url.searchParams.get('lastEventId'));
	if (lastEventId === null) {
		return { ok: false, status: 400, message: 'lastEventId must be a non-negative integer' };
	}
	return { ok: true, lastEventId, url };
}

/** Control frames carry at most 125 bytes; a 1 KiB limit on data frames is for anything else. */
const maxClientFrameBytes = 1024;

/** The stream's upgrades: checked, counted against the caps, then handed to `open`. */
interface Upgrades {
	handle(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
	/** A session ending, heard by every upgrade still checking its session. */
	sessionEnded(end: SessionEnd): void;
	close(): void;
}

export function createUpgrades(
	config: Config,
	registry: StreamRegistry,
	open: OpenStream
): Upgrades {
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: maxClientFrameBytes,
		WebSocket: StreamSocket,
		// The registry knows every open stream; ws' own set would cost each one a closure and
		// an entry more. StreamSocket answers pings itself, for the same reason.
		clientTracking: false,
		autoPong: false,
		// Offered by browsers: replays are sent compressed (replay-deflate.ts). ws itself
		// compresses nothing (every send says so); clients send nothing worth a kept window.
		perMessageDeflate: { clientNoContextTakeover: true }
	});
	/** What each handshake agreed, from its answer's headers to its socket (same step). */
	const agreedWindowBits = new WeakMap<IncomingMessage, number | null>();
	wss.on('headers', (headers, request) => agreedWindowBits.set(request, replayWindowBits(headers)));

	/**
	 * Session endings heard while an upgrade checks its session, one list per upgrade: it is
	 * subscribed to them before it reads the session, as a stream is to events before it reads
	 * the head, so an ending committed during the check's await still closes the new stream
	 * (`open` applies the list once the stream is registered).
	 */
	const endsDuringChecks = new Set<SessionEnd[]>();

	async function handle(request: IncomingMessage, socket: Duplex, head: Buffer) {
		socket.on('error', destroySocket);
		const endsDuringCheck: SessionEnd[] = [];
		try {
			const incoming = nodeHead(request);
			const check = checkUpgradeRequest(request, requestOrigin(incoming, config));
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
			// Counted after the check's await, and from here to the registry without one (here,
			// `upgrade`, ws' callback, then `open` up to `registry.add`): a burst of upgrades that
			// all waited on their checks cannot all pass the count.
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
		wss.handleUpgrade(request, socket, head, (ws, answered) => {
			// ws has its own error listener on the socket now.
			socket.off('error', destroySocket);
			(ws as StreamSocket).replayWindowBits = agreedWindowBits.get(answered) ?? null;
			open(ws as StreamSocket, session, user, address, cursor, endsDuringCheck).catch((error) => {
				log().error({ event: 'stream-open-failed', err: error }, 'stream open failed');
				ws.conn?.end(closeCodes.internalError, 'open failed');
			});
		});
	}

	return {
		handle,
		sessionEnded(end) {
			for (const ends of endsDuringChecks) ends.push(end);
		},
		close: () => wss.close()
	};
}

/** One function for every socket, not a closure per socket: until the handshake is done. */
function destroySocket(this: Duplex) {
	this.destroy();
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
