import { readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import WebSocket from 'ws';
import type { ApiEvent, StreamMessage } from '../../src/lib/api';
import type { Client } from './client';
import type { TestServer } from './server';

export interface StreamOptions {
	/** The query value as sent; `null` leaves the parameter out. Default 0. */
	lastEventId?: number | string | null;
	/** A `cookie` header, e.g. `client.cookieHeader`. */
	cookie?: string;
	/** The `Origin` header; default the server's own origin. `null` sends none. */
	origin?: string | null;
	/** Answer the server's pings (ws' default). */
	autoPong?: boolean;
	/**
	 * Offer permessage-deflate, as browsers do. Off by default: the suites that count bytes on
	 * the wire or fill the kernel's buffers read the frames as sent uncompressed.
	 */
	compress?: boolean;
}

export type EventMessage = { type: 'event'; id: number; event: ApiEvent };
export interface CloseInfo {
	code: number;
	reason: string;
}

/** One real `ws` client of `/api/events` that records everything it receives. */
export class TestStream {
	readonly ws: WebSocket;
	readonly messages: StreamMessage[] = [];
	/** The size on the wire of each message (payload and frame header), in order. */
	readonly frameBytes: number[] = [];
	/** The TCP socket under the client: its `bytesRead` is what crossed the wire. */
	tcp: Socket | null = null;
	pings = 0;
	pongs = 0;
	/** The HTTP status when the upgrade was refused. */
	refusedWith: number | null = null;
	closeInfo: CloseInfo | null = null;
	/** Settles on open; rejects when the upgrade is refused or fails. */
	readonly opened: Promise<void>;
	readonly closed: Promise<CloseInfo>;
	private readonly watchers = new Set<() => void>();

	constructor(server: TestServer, options: StreamOptions = {}) {
		const { lastEventId = 0, cookie, origin = server.url, autoPong = true } = options;
		const { compress = false } = options;
		const query = lastEventId === null ? '' : `?lastEventId=${lastEventId}`;
		const headers: Record<string, string> = {};
		if (origin !== null) headers.origin = origin;
		if (cookie) headers.cookie = cookie;
		this.ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/events${query}`, {
			headers,
			autoPong,
			perMessageDeflate: compress,
			createConnection: ((connectOptions: NetConnectOpts) =>
				(this.tcp = createConnection(connectOptions))) as typeof createConnection
		});
		this.opened = new Promise((resolve, reject) => {
			this.ws.once('open', () => resolve());
			this.ws.once('error', reject);
		});
		this.opened.catch(() => {});
		this.closed = new Promise((resolve) => {
			this.ws.once('close', (code, reason) => {
				this.closeInfo = { code, reason: reason.toString() };
				this.notify();
				resolve(this.closeInfo);
			});
		});
		this.ws.on('error', () => {});
		this.ws.on('unexpected-response', (request, response) => {
			this.refusedWith = response.statusCode ?? null;
			response.resume();
			request.destroy(new Error(`upgrade refused with ${response.statusCode}`));
		});
		this.ws.on('ping', () => {
			this.pings++;
			this.notify();
		});
		this.ws.on('pong', () => {
			this.pongs++;
			this.notify();
		});
		this.ws.on('message', (data, isBinary) => {
			if (isBinary) throw new Error('the stream sent a binary frame');
			const bytes = (data as Buffer).length;
			this.frameBytes.push(bytes + (bytes < 126 ? 2 : bytes < 65536 ? 4 : 10));
			this.messages.push(JSON.parse(data.toString()));
			this.notify();
		});
	}

	get events(): EventMessage[] {
		return this.messages.filter((m): m is EventMessage => m.type === 'event');
	}

	get eventIds(): number[] {
		return this.events.map((m) => m.id);
	}

	/** Resolves once `condition` holds, checked after every message, ping and the close. */
	waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
		if (condition()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const check = () => {
				if (!condition()) return;
				cleanup();
				resolve();
			};
			const timer = setTimeout(() => {
				cleanup();
				const last = this.messages.at(-1);
				reject(
					new Error(
						`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.messages.length} ` +
							`messages (last ${JSON.stringify(last)?.slice(0, 200)}), ` +
							`close ${JSON.stringify(this.closeInfo)}`
					)
				);
			}, timeoutMs);
			const cleanup = () => {
				clearTimeout(timer);
				this.watchers.delete(check);
			};
			this.watchers.add(check);
		});
	}

	waitForMessages(count: number, timeoutMs?: number): Promise<void> {
		return this.waitFor(() => this.messages.length >= count, `${count} messages`, timeoutMs);
	}

	/** Waits until an event with at least this id arrived. */
	waitForEvent(id: number, timeoutMs?: number): Promise<void> {
		return this.waitFor(() => (this.events.at(-1)?.id ?? 0) >= id, `event ${id}`, timeoutMs);
	}

	/** Waits for the socket to close, and tells how. */
	async waitForClose(timeoutMs?: number): Promise<CloseInfo> {
		await this.waitFor(() => this.closeInfo !== null, 'the close', timeoutMs);
		return this.closeInfo!;
	}

	/** Whether the replay caught up: its `live` message arrived. */
	get live(): boolean {
		return this.messages.some((m) => m.type === 'live');
	}

	/** Waits for the `live` message, or the close. */
	waitForLive(timeoutMs?: number): Promise<void> {
		return this.waitFor(() => this.live || this.closeInfo !== null, 'live', timeoutMs);
	}

	/**
	 * Waits for the replay to catch up, then pings the server and waits for its pong. Frames on
	 * one connection arrive in order, so anything the server sent before it read the ping has
	 * arrived by then. (A replay's reads are awaited, on PostgreSQL over the network: a pong
	 * alone may come before it.)
	 */
	async flush(timeoutMs?: number): Promise<void> {
		await this.waitForLive(timeoutMs);
		const want = this.pongs + 1;
		this.ws.ping();
		await this.waitFor(() => this.pongs >= want || this.closeInfo !== null, 'a pong', timeoutMs);
		if (this.pongs < want)
			throw new Error(`closed before the pong: ${JSON.stringify(this.closeInfo)}`);
	}

	get isOpen(): boolean {
		return this.ws.readyState === WebSocket.OPEN && this.closeInfo === null;
	}

	close(): void {
		if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
			this.ws.terminate();
		}
	}

	private notify() {
		for (const watcher of [...this.watchers]) watcher();
	}
}

export function openStream(server: TestServer, options?: StreamOptions): TestStream {
	return new TestStream(server, options);
}

/** Opens a stream and waits for it to be open and its `connected` message to arrive. */
export async function connectStream(
	server: TestServer,
	options?: StreamOptions
): Promise<TestStream> {
	const stream = openStream(server, options);
	await stream.opened;
	await stream.waitForMessages(1);
	return stream;
}

/** The HTTP status a refused upgrade answered, or 101 when the socket opened. */
export async function upgradeStatus(server: TestServer, options?: StreamOptions): Promise<number> {
	const stream = openStream(server, options);
	try {
		await stream.opened;
		stream.close();
		return 101;
	} catch (error) {
		if (stream.refusedWith === null) throw error;
		return stream.refusedWith;
	}
}

/** The ids from `from` to `to`, both included. */
export const range = (from: number, to: number) =>
	Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export async function lastEventId(server: TestServer): Promise<number> {
	const response = await fetch(server.url + '/api/last-event-id');
	return ((await response.json()) as { id: number }).id;
}

/**
 * Writes up to `count` events by renaming the client's account (cheap: no password hashing),
 * with at most `parallel` requests in flight, and returns how many it wrote. `name(i)` must not
 * be another user's name. Uses
 * node:http with kept-alive connections rather than fetch: several times less CPU per request
 * in the test process, which matters when a test writes thousands of events on two cores.
 */
export async function renameMany(
	client: Client,
	count: number,
	{
		parallel = 8,
		name = (i) => `renamed-${i}`,
		until = () => false,
		onWritten = () => {}
	}: {
		parallel?: number;
		name?: (i: number) => string;
		/** Checked before each rename: stops early once true. */
		until?: () => boolean;
		/** Called as each rename is answered, so its event is committed and sent. */
		onWritten?: () => void;
	} = {}
): Promise<number> {
	const agent = new Agent({ keepAlive: true, maxSockets: parallel });
	const headers = {
		cookie: client.cookieHeader,
		origin: client.baseUrl,
		'user-agent': client.userAgent,
		'content-type': 'application/json'
	};
	const rename = (i: number) =>
		new Promise<void>((resolve, reject) => {
			const body = JSON.stringify({ name: name(i) });
			const req = request(
				`${client.baseUrl}/api/auth/account`,
				{
					method: 'PATCH',
					agent,
					headers: { ...headers, 'content-length': Buffer.byteLength(body) }
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () =>
						res.statusCode === 200
							? resolve()
							: reject(
									new Error(`rename ${i} answered ${res.statusCode}: ${Buffer.concat(chunks)}`)
								)
					);
				}
			);
			req.on('error', reject);
			req.end(body);
		});
	let next = 0;
	let done = 0;
	const worker = async () => {
		while (next < count && !until()) {
			await rename(next++);
			done++;
			onWritten();
		}
	};
	try {
		await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
	} finally {
		agent.destroy();
	}
	return done;
}

/** The rows of /proc/net/tcp (one read: it is slow to produce). */
async function tcpRows(): Promise<string[][]> {
	const text = await readFile('/proc/net/tcp', 'utf8');
	return text
		.split('\n')
		.slice(1)
		.map((line) => line.trim().split(/\s+/));
}

/** One end of a connection, by its local and remote port, while a process holds its socket. */
function findEnd(rows: string[][], localPort: number, remotePort: number): string[] | undefined {
	const hex = (port: number) => ':' + port.toString(16).toUpperCase().padStart(4, '0');
	// A socket no process holds any more (closed, still sending or closing) shows inode 0.
	return rows.find(
		([, local, remote, , , , , , , inode]) =>
			local?.endsWith(hex(localPort)) && remote?.endsWith(hex(remotePort)) && inode !== '0'
	);
}

const clientPortOf = (stream: TestStream) =>
	(stream.ws as unknown as { _socket: Socket })._socket.localPort!;

/**
 * What the kernel holds of this stream's connection (Linux /proc): `server`, the bytes queued
 * at the server's end that the client has not taken, or null once the server let go of the
 * socket (which the client cannot notice while it does not read); `client`, the bytes that
 * reached the client's end but that it has not read. When these stop growing while the
 * server sends, the kernel is full and the server buffers in itself.
 */
export async function kernelQueues(
	server: TestServer,
	stream: TestStream
): Promise<{ server: number | null; client: number }> {
	const rows = await tcpRows();
	const clientPort = clientPortOf(stream);
	const serverEnd = findEnd(rows, server.port, clientPort);
	const clientEnd = findEnd(rows, clientPort, server.port);
	return {
		server: serverEnd ? parseInt(serverEnd[4].split(':')[0], 16) : null,
		client: clientEnd ? parseInt(clientEnd[4].split(':')[1], 16) : 0
	};
}

/** What each open file descriptor of a process links to (Linux /proc). */
export function processFdTargets(pid: number): string[] {
	return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
		try {
			return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
		} catch {
			return []; // closed while listing
		}
	});
}
