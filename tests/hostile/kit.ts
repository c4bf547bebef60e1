/**
 * Helpers of the hostile input suite: a seeded random source, a raw HTTP sender that can put
 * anything on the wire (node:http, not fetch, which refuses or rewrites much of what this suite
 * sends), a raw WebSocket client on a bare TCP socket, and row snapshots of the database.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { TestServer } from '../helpers/server';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: small, fast, and the same sequence for the same seed on every run. */
export class Random {
	private state: number;
	constructor(seed: number) {
		this.state = seed >>> 0;
	}
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	int(from: number, to: number): number {
		return from + Math.floor(this.next() * (to - from + 1));
	}
	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	bytes(length: number): Buffer {
		const out = Buffer.alloc(length);
		for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
		return out;
	}
	/** A string of `length` characters drawn from `alphabet`. */
	string(
		length: number,
		alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'
	): string {
		let out = '';
		for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
		return out;
	}
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface HttpCase {
	/** The family of badness, for the report. */
	group: string;
	/** What is wrong with this request, in a few words. */
	label: string;
	/** Who sends it: visitor, regular, admin, or the kind of forged cookie. */
	sender: string;
	method: string;
	path: string;
	headers: Record<string, string>;
	body?: Buffer;
	/**
	 * api: a +server.ts route, whose errors must be JSON `{ message }`; form: a form action,
	 * answered with a page; page: any other path.
	 */
	kind: 'api' | 'form' | 'page';
	/**
	 * reject: the request must be refused (API: 4xx; form: 3xx or 4xx). harmless: a read, or a
	 * request that may succeed as long as it changes nothing (a GET, a confirm prompt).
	 */
	expect: 'reject' | 'harmless';
	/**
	 * Statuses at which a non-JSON answer is accepted on an API path because the framework or
	 * Node answers before the app's code runs (see `frameworkAnswer` in the test).
	 */
	framework?: number[];
	/** The `{ message }` must match this: the answer names the problem. */
	mentions?: RegExp;
	/** Send on a connection of its own (large bodies the server may refuse before reading). */
	ownConnection?: boolean;
	/** Run alone, with a snapshot of the rows just before and after it. */
	alone?: boolean;
	/** Stricter expectations: the exact status; what a visitor's read must show. */
	check?: { status?: number; publicView?: 'no-session' | 'no-users' };
}

export interface HttpAnswer {
	status?: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	error?: string;
}

export function createAgent(maxSockets: number): Agent {
	return new Agent({ keepAlive: true, maxSockets });
}

/** Sends one case as given, byte for byte; resolves with what came back (never rejects). */
export function send(
	server: TestServer,
	c: HttpCase,
	agent: Agent | false,
	timeoutMs = 20_000,
	retried = false
): Promise<HttpAnswer> {
	return new Promise((resolve) => {
		const headers: Record<string, string | number> = { ...c.headers };
		if (
			c.body !== undefined &&
			!('content-length' in headers) &&
			!('transfer-encoding' in headers)
		) {
			headers['content-length'] = c.body.length;
		}
		let settled = false;
		let answer: HttpAnswer | undefined;
		const done = (result: HttpAnswer) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(result);
		};
		const req = request(
			{
				host: '127.0.0.1',
				port: server.port,
				method: c.method,
				path: c.path,
				headers,
				agent: c.ownConnection ? false : agent,
				setHost: true
			},
			(res) => {
				const chunks: Buffer[] = [];
				answer = { status: res.statusCode, headers: res.headers, body: Buffer.alloc(0) };
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => done({ ...answer!, body: Buffer.concat(chunks) }));
				res.on('error', (error) =>
					done({ ...answer!, body: Buffer.concat(chunks), error: error.message })
				);
			}
		);
		const timer = setTimeout(() => {
			req.destroy(new Error(`no answer within ${timeoutMs} ms`));
		}, timeoutMs);
		req.on('error', (error) => {
			// A server may answer a request it refuses before reading all of its body, and then
			// close: writing the rest fails, but the answer counts.
			if (answer) return setTimeout(() => done({ ...answer!, error: error.message }), 50);
			// A kept-alive socket that the server closed for idleness just as this request was
			// written on it: the server never saw the request, so send it again, as Node's own
			// documentation of `reusedSocket` advises. And a body the server stopped reading
			// (it answered before the rest arrived, as it does an oversized one): on a loaded
			// machine writing the rest can fail before the answer is read. Both are sent once
			// more; failing twice is the finding, and a request that reached the app and failed
			// there is still caught by the server's log (the last test).
			const code = (error as NodeJS.ErrnoException).code;
			const lostToWriting = req.reusedSocket || c.body !== undefined;
			if (lostToWriting && !retried && (code === 'ECONNRESET' || code === 'EPIPE')) {
				clearTimeout(timer);
				settled = true;
				return resolve(send(server, c, agent, timeoutMs, true));
			}
			done({ headers: {}, body: Buffer.alloc(0), error: error.message });
		});
		req.end(c.body);
	});
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in order. */
export async function inParallel<T, R>(
	items: readonly T[],
	limit: number,
	work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

// ---------------------------------------------------------------------------------------------
// Bodies

export const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** JSON with escapes kept as written (`\ud800` stays a lone surrogate escape on the wire). */
export const jsonBody = (value: unknown) => utf8(JSON.stringify(value));

export function multipart(
	fields: [string, string | { filename: string; content: Buffer }][],
	boundary = 'hostileBoundary7MA4YWxk'
): { body: Buffer; contentType: string } {
	const parts: Buffer[] = [];
	for (const [name, value] of fields) {
		if (typeof value === 'string') {
			parts.push(
				utf8(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
			);
		} else {
			parts.push(
				utf8(
					`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\n` +
						'Content-Type: application/octet-stream\r\n\r\n'
				),
				value.content,
				utf8('\r\n')
			);
		}
	}
	parts.push(utf8(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------------------------------------
// Rows

/**
 * The rows a rejected request must not change. Left out: the columns that legitimately move
 * whenever a valid cookie is presented (user.last_seen_at; session.last_seen_at, expires_at,
 * received).
 */
const snapshotQueries = {
	user: 'SELECT id, name, hex(name) AS nameBytes, password_hash, type, created_at FROM "user" ORDER BY id',
	session:
		'SELECT id, user_id, public_id, family, family_created_at, created_at, rotates_at, rotated_at, ' +
		'successor, ended_at, ended_reason, user_agent FROM session ORDER BY id',
	event: 'SELECT id, type, data, created_at FROM event ORDER BY id',
	security_record:
		'SELECT id, user_id, kind, created_at, user_agent FROM security_record ORDER BY id'
} as const;

export type Snapshot = Record<keyof typeof snapshotQueries, Record<string, unknown>[]>;

export function snapshot(server: TestServer): Snapshot {
	return Object.fromEntries(
		Object.entries(snapshotQueries).map(([table, sql]) => [
			table,
			server.query<Record<string, unknown>>(sql)
		])
	) as Snapshot;
}

/** Rows added, removed or changed between two snapshots, one line each (empty when none). */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
	const lines: string[] = [];
	for (const table of Object.keys(snapshotQueries) as (keyof Snapshot)[]) {
		const keyed = (rows: Record<string, unknown>[]) =>
			new Map(rows.map((row) => [String(row.id), JSON.stringify(row)]));
		const a = keyed(before[table]);
		const b = keyed(after[table]);
		for (const [id, row] of b) {
			if (!a.has(id)) lines.push(`${table}: added ${short(row)}`);
			else if (a.get(id) !== row)
				lines.push(`${table}: changed ${short(a.get(id)!)} -> ${short(row)}`);
		}
		for (const [id, row] of a) if (!b.has(id)) lines.push(`${table}: removed ${short(row)}`);
	}
	return lines;
}

const short = (text: string, max = 300) => (text.length > max ? text.slice(0, max) + '…' : text);

// ---------------------------------------------------------------------------------------------
// Raw sockets: WebSocket handshakes and frames by hand

export interface RawResult {
	/** The status of the first answer line, if any arrived. */
	status?: number;
	/** Everything the server sent. */
	received: Buffer;
	/** Whether the server closed (or reset) the connection within the wait. */
	closedByServer: boolean;
	/** The close code of the first close frame the server sent after a 101, if any. */
	closeCode?: number;
	/** The first text frame after a 101 (the stream's `connected`), if any. */
	firstText?: string;
}

/** The handshake of a stream request, with headers as given (null leaves a default out). */
export function upgradeRequest(
	server: TestServer,
	target: string,
	headers: Record<string, string | null> = {}
): string {
	const all: Record<string, string | null> = {
		host: `127.0.0.1:${server.port}`,
		connection: 'Upgrade',
		upgrade: 'websocket',
		'sec-websocket-version': '13',
		'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
		origin: server.url,
		...headers
	};
	const lines = Object.entries(all)
		.filter((entry): entry is [string, string] => entry[1] !== null)
		.map(([name, value]) => `${name}: ${value}`);
	return `GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A client frame, masked as RFC 6455 requires of clients unless `masked` is false. */
export function frame(
	opcode: number,
	payload: Buffer,
	options: { fin?: boolean; masked?: boolean; rsv?: number } = {}
): Buffer {
	const { fin = true, masked = true, rsv = 0 } = options;
	const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
	const length = payload.length;
	const maskBit = masked ? 0x80 : 0;
	if (length < 126) head.push(maskBit | length);
	else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
	else {
		head.push(maskBit | 127, 0, 0, 0, 0);
		head.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
	}
	if (!masked) return Buffer.concat([Buffer.from(head), payload]);
	const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
	const body = Buffer.from(payload);
	for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
	return Buffer.concat([Buffer.from(head), mask, body]);
}

/** Whether a (non-101) HTTP answer has fully arrived, judging by its length or chunked end. */
function answerComplete(data: Buffer, headEnd: number): boolean {
	const head = data.subarray(0, headEnd).toString('latin1');
	const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
	if (length) return data.length >= headEnd + 4 + Number(length[1]);
	if (/\r\ntransfer-encoding:\s*chunked/i.test(head))
		return data.subarray(-5).toString('latin1') === '0\r\n\r\n';
	return false;
}

/** Reads the server's (unmasked) frames after the 101 answer: the first text and close code. */
function readServerFrames(data: Buffer): { firstText?: string; closeCode?: number } {
	const end = data.indexOf('\r\n\r\n');
	if (end < 0) return {};
	let at = end + 4;
	const out: { firstText?: string; closeCode?: number } = {};
	while (at + 2 <= data.length) {
		const opcode = data[at] & 0x0f;
		let length = data[at + 1] & 0x7f;
		let start = at + 2;
		if (length === 126) {
			if (start + 2 > data.length) break;
			length = data.readUInt16BE(start);
			start += 2;
		} else if (length === 127) {
			if (start + 8 > data.length) break;
			length = Number(data.readBigUInt64BE(start));
			start += 8;
		}
		if (start + length > data.length) break;
		const payload = data.subarray(start, start + length);
		if (opcode === 1 && out.firstText === undefined) out.firstText = payload.toString('utf8');
		if (opcode === 8 && out.closeCode === undefined)
			out.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
		at = start + length;
	}
	return out;
}

/**
 * Opens a TCP connection, writes `handshake`, and once the answer's head arrived (and, after a
 * 101, the first frame), writes each of `after` in turn. Resolves when the server closes the
 * connection or `waitMs` passes after the last write, whichever is first.
 */
export function rawExchange(
	server: TestServer,
	handshake: string | Buffer,
	after: Buffer[] = [],
	options: { waitMs?: number; endAfter?: boolean; untilClose?: boolean } = {}
): Promise<RawResult> {
	const { waitMs = 5000, endAfter = false, untilClose = false } = options;
	return new Promise((resolve) => {
		const socket: Socket = connect(server.port, '127.0.0.1');
		let received = Buffer.alloc(0);
		let wrote = false;
		let finished = false;
		let timer: NodeJS.Timeout | undefined;
		const finish = (closedByServer: boolean) => {
			if (finished) return;
			finished = true;
			clearTimeout(timer);
			clearTimeout(guard);
			socket.destroy();
			const line = /^HTTP\/1\.1 (\d{3})/.exec(received.subarray(0, 32).toString('latin1'));
			const status = line ? Number(line[1]) : undefined;
			resolve({
				status,
				received,
				closedByServer,
				...(status === 101 ? readServerFrames(received) : {})
			});
		};
		const writeRest = () => {
			if (wrote) return;
			wrote = true;
			for (const chunk of after) if (!socket.destroyed) socket.write(chunk);
			if (endAfter && !socket.destroyed) socket.end();
			timer = setTimeout(() => finish(false), waitMs);
		};
		socket.on('data', (chunk: Buffer) => {
			received = Buffer.concat([received, chunk]);
			const headEnd = received.indexOf('\r\n\r\n');
			if (headEnd < 0) return;
			const is101 = received.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101';
			// After a 101, wait for the stream's first frame, so the junk lands on an open stream.
			if (is101 && readServerFrames(received).firstText === undefined) return;
			// Nothing to send after an accepted upgrade: its first frame is all there is to see.
			if (is101 && after.length === 0 && !endAfter && !untilClose) return finish(false);
			// A refusal: done once its whole answer is in.
			if (!is101 && after.length === 0 && !endAfter && answerComplete(received, headEnd))
				return finish(false);
			writeRest();
		});
		// The server's FIN (or its reset) is what counts as closing.
		socket.on('end', () => finish(true));
		socket.on('close', () => finish(true));
		socket.on('error', () => finish(true));
		// No answer at all to the handshake: give up after the wait.
		const guard = setTimeout(() => {
			if (!wrote) writeRest();
		}, waitMs);
		// Headers are written byte for byte (latin-1), as a hand-made client would.
		socket.write(typeof handshake === 'string' ? Buffer.from(handshake, 'latin1') : handshake);
		// A request cut short: hang up right after it, before any answer.
		if (endAfter && after.length === 0) writeRest();
	});
}
