// The public streams of bench/schedule.js, forked by it so that neither the server's CPU nor
// the script's timing shares a process with them. It answers commands over IPC (serve() in
// lib.js). Each client is a browser without a session: `Origin`, no cookie, no compression.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { nowMs, serve, sleep } from './lib.js';

const eventPrefix = '{"type":"event","id":';

/** { index, ws, lastId, connected } */
let clients = [];
/** While recording: the arrival time of edit `seq` (found by its marker) at each client. */
let record = null;
const closes = {};

function readInt(text, at) {
	let value = 0;
	for (let code = text.charCodeAt(at); code >= 48 && code <= 57; code = text.charCodeAt(++at)) {
		value = value * 10 + code - 48;
	}
	return value;
}

function onMessage(c, data) {
	const text = data.toString('latin1');
	if (!text.startsWith(eventPrefix)) {
		if (JSON.parse(text).type === 'connected') {
			c.connected = true;
			c.onConnected?.();
		}
		return;
	}
	const at = nowMs();
	const id = readInt(text, eventPrefix.length);
	c.lastId = Math.max(c.lastId, id);
	if (!record) return;
	const m = text.indexOf(record.marker, eventPrefix.length);
	if (m < 0) return;
	const seq = readInt(text, m + record.marker.length);
	if (seq >= record.n) return;
	record.arrivals[c.index * record.n + seq] = at;
	if (record.ids[seq] === 0) {
		record.ids[seq] = id;
		record.frameBytes[seq] = data.length;
	}
}

serve({
	/** Opens `count` streams at `lastEventId`, `parallel` handshakes at a time. */
	connect({ url, origin, count, lastEventId, parallel = 100, timeoutMs = 120_000 }) {
		const fresh = Array.from({ length: count }, (_, i) => ({
			index: clients.length + i,
			ws: null,
			lastId: lastEventId,
			connected: false
		}));
		clients.push(...fresh);
		const started = nowMs();
		return new Promise((resolve, reject) => {
			let next = 0;
			let done = 0;
			const timer = setTimeout(
				() => reject(new Error(`only ${done} of ${count} streams opened in ${timeoutMs} ms`)),
				timeoutMs
			);
			const openOne = () => {
				if (next >= fresh.length) return;
				const c = fresh[next++];
				c.onConnected = () => {
					c.onConnected = null;
					if (++done === fresh.length) {
						clearTimeout(timer);
						resolve({ connected: done, seconds: (nowMs() - started) / 1000 });
					} else openOne();
				};
				const ws = new WebSocket(`${url}?lastEventId=${lastEventId}`, {
					headers: { Origin: origin },
					perMessageDeflate: false,
					skipUTF8Validation: true
				});
				c.ws = ws;
				ws.on('message', (data) => onMessage(c, data));
				ws.on('error', (error) => {
					if (!c.connected) {
						clearTimeout(timer);
						reject(error);
					}
				});
				ws.on('close', (code) => {
					if (c.connected) closes[code] = (closes[code] ?? 0) + 1;
					c.connected = false;
				});
			};
			if (fresh.length === 0) resolve({ connected: 0, seconds: 0 });
			for (let i = 0; i < parallel; i++) openOne();
		});
	},

	record({ n, marker }) {
		record = {
			n,
			marker,
			arrivals: new Float64Array(clients.length * n).fill(NaN),
			ids: new Array(n).fill(0),
			frameBytes: new Array(n).fill(0)
		};
	},

	/** Resolves once every client has received event `id`, or says how many are behind. */
	async waitAtLeast({ id, timeoutMs = 60_000 }) {
		const started = nowMs();
		for (;;) {
			const behind = clients.filter((c) => c.lastId < id).length;
			if (behind === 0) return { ok: true };
			if (nowMs() - started > timeoutMs) return { ok: false, behind };
			await sleep(20);
		}
	},

	/** Writes the arrivals to `file` (a Float64Array, client-major); answers the rest. */
	stopRecord({ file }) {
		writeFileSync(file, new Uint8Array(record.arrivals.buffer));
		const result = {
			clients: clients.length,
			n: record.n,
			ids: record.ids,
			frameBytes: record.frameBytes,
			connected: clients.filter((c) => c.connected).length,
			closes: { ...closes }
		};
		record = null;
		return result;
	},

	async closeAll() {
		await Promise.all(
			clients.map(
				({ ws }) =>
					new Promise((done) => {
						if (!ws || ws.readyState === WebSocket.CLOSED) return done();
						ws.once('close', done);
						ws.close(1000);
						setTimeout(() => ws.terminate(), 2000).unref();
					})
			)
		);
		clients = [];
		for (const code of Object.keys(closes)) delete closes[code];
	}
});
