// The benchmark's load generator, forked by run.js so that the server's CPU is measured alone.
// `node bench/load.js clients` holds WebSocket clients; `node bench/load.js driver` sends the
// HTTP requests. run.js talks to both over the IPC channel (see serve() in lib.js).
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { backoffDelay, nowMs, serve, sleep, summarise } from './lib.js';

const role = process.argv[2];

// ---------------------------------------------------------------- WebSocket clients

const eventPrefix = '{"type":"event","id":';

/** Every client of this process: { index, url, origin, cookie, ws, lastId, connected, attempt }. */
let clients = [];
let reconnect = true;
/** Fan-out recording: arrival time of event `seq` (found by its name) at each client. */
let record = null;
/** Reconnect storm: how many of the ids (from, to] each client has received. */
let watch = null;
const stats = { connects: 0, failedAttempts: 0, closes: {}, notIncreasing: 0, resyncs: 0 };

function readInt(text, at) {
	let value = 0;
	for (let code = text.charCodeAt(at); code >= 48 && code <= 57; code = text.charCodeAt(++at)) {
		value = value * 10 + code - 48;
	}
	return value;
}

/**
 * A Socket.IO 4 client of bench/socketio-server.js, WebSocket transport only, noting arrivals
 * as the `ws` clients do. No reconnects: the storm runs against the app only.
 */
function openSocketIo(c) {
	const socket = io(c.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		perMessageDeflate: false
	});
	c.ws = socket;
	socket.on('connect', () => {
		c.connected = true;
		stats.connects++;
		c.onConnected?.();
	});
	socket.on('event', (message) => {
		const at = nowMs();
		if (message.id <= c.lastId) {
			stats.notIncreasing++;
			return;
		}
		c.lastId = message.id;
		const name = message.event?.data?.name;
		if (record && typeof name === 'string' && name.startsWith(record.prefix)) {
			const seq = Number(name.slice(record.prefix.length));
			if (seq < record.n) record.arrivals[c.index * record.n + seq] = at;
		}
	});
	socket.on('disconnect', (reason) => {
		if (c.ws !== socket) return;
		c.ws = null;
		if (c.connected) stats.closes[reason] = (stats.closes[reason] ?? 0) + 1;
		c.connected = false;
		c.onClosed?.();
	});
	socket.on('connect_error', () => stats.failedAttempts++);
}

function open(c) {
	if (c.protocol === 'socketio') return openSocketIo(c);
	const headers = { Origin: c.origin };
	if (c.cookie) headers.Cookie = c.cookie;
	const ws = new WebSocket(`${c.url}?lastEventId=${c.lastId}`, {
		headers,
		perMessageDeflate: false,
		skipUTF8Validation: true
	});
	c.ws = ws;
	ws.on('message', (data) => onMessage(c, data));
	ws.on('error', () => {});
	ws.on('close', (code) => {
		if (c.ws !== ws) return;
		c.ws = null;
		if (c.connected) stats.closes[code] = (stats.closes[code] ?? 0) + 1;
		else stats.failedAttempts++;
		c.connected = false;
		if (!reconnect) return c.onClosed?.();
		// Like the browser: back off with jitter, then resume from the last event received.
		c.timer = setTimeout(() => open(c), backoffDelay(c.attempt++));
	});
}

function onMessage(c, data) {
	const text = data.toString('latin1');
	if (text.startsWith(eventPrefix)) {
		const at = nowMs();
		const id = readInt(text, eventPrefix.length);
		if (id <= c.lastId) {
			stats.notIncreasing++;
			return;
		}
		c.lastId = id;
		if (record) {
			const m = text.indexOf(record.marker, eventPrefix.length);
			if (m >= 0) {
				const seq = readInt(text, m + record.marker.length);
				if (seq < record.n) record.arrivals[c.index * record.n + seq] = at;
			}
		}
		if (watch && id > watch.from && id <= watch.to) {
			if (++watch.counts[c.index] === watch.k) {
				watch.done++;
				watch.doneAt = at;
				if (watch.done === clients.length) watch.resolve();
			}
		}
		return;
	}
	const message = JSON.parse(text);
	if (message.type === 'connected') {
		c.connected = true;
		c.attempt = 0;
		stats.connects++;
		c.onConnected?.();
	} else if (message.type === 'resync') {
		stats.resyncs++;
	}
}

const clientCommands = {
	/** Opens `count` clients at `lastEventId`, at most `parallel` handshakes at a time. */
	connect({
		url,
		origin,
		cookies = [],
		count,
		lastEventId,
		protocol = 'ws',
		parallel = 100,
		timeoutMs = 120_000
	}) {
		reconnect = true;
		const fresh = [];
		for (let i = 0; i < count; i++) {
			const c = {
				index: clients.length,
				url,
				origin,
				protocol,
				cookie: cookies.length ? cookies[i % cookies.length] : null,
				ws: null,
				lastId: lastEventId,
				connected: false,
				attempt: 0
			};
			clients.push(c);
			fresh.push(c);
		}
		const t0 = nowMs();
		return new Promise((resolve, reject) => {
			if (fresh.length === 0) return resolve({ connected: 0, seconds: 0 });
			let next = 0;
			let done = 0;
			const timer = setTimeout(
				() => reject(new Error(`only ${done} of ${count} clients connected in ${timeoutMs} ms`)),
				timeoutMs
			);
			const startOne = () => {
				if (next >= fresh.length) return;
				const c = fresh[next++];
				c.onConnected = () => {
					c.onConnected = null;
					done++;
					if (done === fresh.length) {
						clearTimeout(timer);
						resolve({ connected: done, seconds: (nowMs() - t0) / 1000 });
					} else startOne();
				};
				open(c);
			};
			for (let i = 0; i < parallel; i++) startOne();
		});
	},

	status() {
		let connected = 0;
		let minLastId = Infinity;
		let maxLastId = 0;
		for (const c of clients) {
			if (c.connected) connected++;
			minLastId = Math.min(minLastId, c.lastId);
			maxLastId = Math.max(maxLastId, c.lastId);
		}
		return { clients: clients.length, connected, minLastId, maxLastId, ...stats };
	},

	resetStats() {
		Object.assign(stats, {
			connects: 0,
			failedAttempts: 0,
			closes: {},
			notIncreasing: 0,
			resyncs: 0
		});
	},

	/** Resolves once every client has received event `id` (or the time is up). */
	async waitAtLeast({ id, timeoutMs = 30_000 }) {
		const t0 = nowMs();
		for (;;) {
			const behind = clients.filter((c) => c.lastId < id).length;
			if (behind === 0) return { ok: true, seconds: (nowMs() - t0) / 1000 };
			if (nowMs() - t0 > timeoutMs) return { ok: false, behind };
			await sleep(20);
		}
	},

	record({ n, marker, prefix }) {
		record = { n, marker, prefix, arrivals: new Float64Array(clients.length * n).fill(NaN) };
	},

	stopRecord({ file }) {
		const result = { clients: clients.length, n: record.n };
		writeFileSync(file, new Uint8Array(record.arrivals.buffer));
		record = null;
		return result;
	},

	watchStorm({ from, to }) {
		let resolve;
		const promise = new Promise((r) => (resolve = r));
		watch = {
			from,
			to,
			k: to - from,
			counts: new Int32Array(clients.length),
			done: 0,
			doneAt: null,
			resolve,
			promise
		};
		if (watch.k === 0 || clients.length === 0) resolve();
	},

	async waitStorm({ timeoutMs = 60_000 }) {
		const w = watch;
		const timeout = sleep(timeoutMs).then(() => 'timeout');
		const outcome = await Promise.race([w.promise.then(() => 'done'), timeout]);
		let missing = 0;
		for (const count of w.counts) missing += w.k - count;
		watch = null;
		return {
			complete: outcome === 'done',
			doneAt: w.doneAt,
			clientsDone: w.done,
			missing,
			connected: clients.filter((c) => c.connected).length
		};
	},

	/** Closes every client and forgets them. */
	async closeAll() {
		reconnect = false;
		const closing = clients.map(
			(c) =>
				new Promise((resolve) => {
					clearTimeout(c.timer);
					if (!c.ws) return resolve();
					c.onClosed = resolve;
					const ws = c.ws;
					if (c.protocol === 'socketio') return ws.disconnect();
					ws.close(1000);
					setTimeout(() => ws.terminate(), 2000).unref();
				})
		);
		await Promise.all(closing);
		clients = [];
		record = null;
		watch = null;
	},

	/** One client from `lastEventId=from`: the time until it holds every event up to the head. */
	catchup({ url, origin, cookie, from = 0, timeoutMs = 300_000 }) {
		return new Promise((resolve, reject) => {
			const t0 = nowMs();
			let head = null;
			let connectedAt = null;
			let count = 0;
			let last = 0;
			let increasing = true;
			let settled = false;
			const finish = (error, value) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				ws.close(1000);
				if (error) reject(error);
				else resolve(value);
			};
			const timer = setTimeout(
				() => finish(new Error(`catch-up: ${count} events after ${timeoutMs} ms`)),
				timeoutMs
			);
			const ws = new WebSocket(`${url}?lastEventId=${from}`, {
				headers: { Origin: origin, Cookie: cookie },
				perMessageDeflate: false,
				skipUTF8Validation: true
			});
			const done = () => {
				const t1 = nowMs();
				finish(null, {
					head,
					events: count,
					increasing,
					seconds: (t1 - t0) / 1000,
					handshakeSeconds: (connectedAt - t0) / 1000
				});
			};
			ws.on('message', (data) => {
				const text = data.toString('latin1');
				if (text.startsWith(eventPrefix)) {
					const id = readInt(text, eventPrefix.length);
					if (id <= last) increasing = false;
					last = id;
					count++;
					if (head !== null && id >= head) done();
					return;
				}
				const message = JSON.parse(text);
				if (message.type === 'connected') {
					connectedAt = nowMs();
					head = message.lastEventId;
					if (head <= from) done();
				} else finish(new Error(`catch-up: unexpected ${text}`));
			});
			ws.on('error', (error) => finish(error));
			ws.on('close', (code) => finish(new Error(`catch-up: closed ${code} after ${count} events`)));
		});
	}
};

// ---------------------------------------------------------------- HTTP driver

let agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves with { status, ms } and never rejects. */
function request(base, method, path, headers, body) {
	return new Promise((resolve) => {
		const t0 = nowMs();
		const req = http.request(new URL(path, base), { method, agent, headers }, (res) => {
			res.on('data', () => {});
			res.on('end', () => resolve({ status: res.statusCode, ms: nowMs() - t0 }));
		});
		req.on('error', (error) => resolve({ status: 0, ms: nowMs() - t0, error: error.message }));
		req.end(body);
	});
}

function jsonHeaders(origin, cookie, body) {
	const headers = {
		origin,
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(body)
	};
	if (cookie) headers.cookie = cookie;
	return headers;
}

const driverCommands = {
	/**
	 * Open loop: change number `seq` is sent at t0 + seq/rate whatever happened to the earlier
	 * ones. `kind` tidewatch renames the target user through PATCH /api/users/[id]; `baseline`
	 * posts the event a regular viewer would receive for that rename to the bare server.
	 */
	async drive({
		kind,
		base,
		bases = [base],
		origin,
		cookie,
		target,
		rate,
		seconds,
		marker,
		connections = 64
	}) {
		agent.destroy();
		// Every connection the run may use is opened before the clock starts, and they are used
		// in turn (fifo) so none sits idle long enough for the server to close it: a connection
		// opened during the load would wait in the accept queue behind the fan-out, and the
		// latency would measure that, not what a fan-out costs.
		agent = new http.Agent({ keepAlive: true, maxSockets: connections, scheduling: 'fifo' });
		const n = Math.max(1, Math.round(rate * seconds));
		const starts = new Array(n).fill(null);
		const responses = [];
		const statuses = {};
		let maxLagMs = 0;
		const pending = [];
		const warm = kind === 'tidewatch' ? '/api/last-event-id' : '/count';
		await Promise.all(
			bases.flatMap((to) =>
				Array.from({ length: connections }, () => request(to, 'GET', warm, { origin }))
			)
		);
		const free = () => Object.values(agent.freeSockets).reduce((sum, list) => sum + list.length, 0);
		const opened = free();
		const t0 = nowMs() + 20;
		for (let seq = 0; seq < n; seq++) {
			const due = t0 + (seq * 1000) / rate;
			const wait = due - nowMs();
			if (wait > 1) await sleep(wait);
			const name = `${marker}${seq}`;
			let path;
			let method;
			let body;
			if (kind === 'tidewatch') {
				method = 'PATCH';
				path = `/api/users/${target.id}`;
				body = JSON.stringify({ name });
			} else {
				method = 'POST';
				path = '/broadcast';
				// The ApiEvent a regular viewer receives for the rename; the server adds the id.
				body = JSON.stringify({
					type: 'user-update',
					data: { id: target.id, name, type: 'regular', createdAt: target.createdAt }
				});
			}
			const start = nowMs();
			maxLagMs = Math.max(maxLagMs, start - due);
			starts[seq] = start;
			pending.push(
				// Several instances (bench/postgres.js): each takes the changes in turn.
				request(
					bases[seq % bases.length],
					method,
					path,
					jsonHeaders(origin, cookie, body),
					body
				).then((r) => {
					statuses[r.status] = (statuses[r.status] ?? 0) + 1;
					responses.push(r.ms);
				})
			);
		}
		await Promise.all(pending);
		const reused = free();
		return {
			n,
			starts,
			statuses,
			maxLagMs,
			response: summarise(responses),
			connectionsOpened: opened,
			connectionsAtEnd: reused
		};
	},

	/**
	 * Closed loop: `concurrency` workers, each sending its next request when the last one is
	 * answered. `rename` renames the worker's own target user; `noop` reads /api/last-event-id;
	 * `page` gets `/` with no cookie, as an anonymous visitor. With several `bases` (instances),
	 * worker w sends to bases[w % bases.length].
	 */
	async closedLoop({
		kind,
		base,
		bases = [base],
		origin,
		cookie,
		targets,
		concurrency,
		seconds,
		warmupSeconds
	}) {
		agent.destroy();
		agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
		const begin = nowMs();
		const measureFrom = begin + warmupSeconds * 1000;
		const end = measureFrom + seconds * 1000;
		let count = 0;
		const statuses = {};
		const latencies = [];
		const loop = async (w) => {
			const base = bases[w % bases.length];
			for (let i = 0; nowMs() < end; i++) {
				let r;
				if (kind === 'rename') {
					const body = JSON.stringify({ name: `w${w}-${i}` });
					r = await request(
						base,
						'PATCH',
						`/api/users/${targets[w % targets.length]}`,
						jsonHeaders(origin, cookie, body),
						body
					);
				} else if (kind === 'broadcast') {
					// A baseline's change with the same body as the drive's.
					const body = JSON.stringify({
						type: 'user-update',
						data: { id: 'x', name: `w${w}-${i}`, type: 'regular', createdAt: 0 }
					});
					r = await request(base, 'POST', '/broadcast', jsonHeaders(origin, null, body), body);
				} else if (kind === 'page') {
					r = await request(base, 'GET', '/', { accept: 'text/html' });
				} else {
					r = await request(base, 'GET', '/api/last-event-id', { origin, cookie });
				}
				const doneAt = nowMs();
				if (doneAt >= measureFrom && doneAt <= end) {
					count++;
					latencies.push(r.ms);
					statuses[r.status] = (statuses[r.status] ?? 0) + 1;
				}
			}
		};
		await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)));
		return { count, seconds, perSecond: count / seconds, statuses, latency: summarise(latencies) };
	}
};

if (role === 'clients') serve(clientCommands);
else if (role === 'driver') serve(driverCommands);
else {
	console.error('usage: node bench/load.js clients|driver (forked by bench/run.js)');
	process.exit(1);
}
