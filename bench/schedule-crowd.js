// The crowds of bench/schedule.js, forked by it so that neither the server's CPU nor the
// script's timing shares a process with them. It answers commands over IPC (serve() in lib.js).
// Each client is one phone: its own kept-alive connection, `accept-encoding: gzip`, and its own
// cookies, kept up to date from Set-Cookie as a browser keeps them (a session rotates, and the
// old cookie sent again after the rotation's grace would look like theft).
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { nowMs, round, serve, summarise } from './lib.js';

/** { agent, jar: Map<name, value>, last: the last 200 answer } */
let clients = [];
/** The run under way: { stopping, loops, answers… } */
let run = null;

function cookieHeader(jar) {
	return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

function keepCookies(jar, lines = []) {
	for (const line of lines) {
		const [pair, ...attributes] = line.split(';');
		const equals = pair.indexOf('=');
		const name = pair.slice(0, equals).trim();
		const value = pair.slice(equals + 1).trim();
		if (value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
		else jar.set(name, value);
	}
}

/** One GET, read to its last byte: { status, headers, body, ms } or a thrown error. */
function get(client, url, accept) {
	const headers = { accept, 'accept-encoding': 'gzip' };
	if (client.jar.size) headers.cookie = cookieHeader(client.jar);
	const started = nowMs();
	const send = (retry) =>
		new Promise((done, fail) => {
			const req = request(url, { agent: client.agent, headers }, (res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', fail);
				res.on('end', () => {
					keepCookies(client.jar, res.headers['set-cookie']);
					done({
						status: res.statusCode,
						headers: res.headers,
						body: Buffer.concat(chunks),
						ms: nowMs() - started
					});
				});
			});
			// As in lib.js's httpClient: a kept-alive socket the server closed for idleness just as
			// it was picked fails before any answer; send once more, timed from the first attempt.
			req.on('error', (error) => {
				if (retry && req.reusedSocket && ['ECONNRESET', 'EPIPE'].includes(error.code)) {
					if (run) run.resent++;
					done(send(false));
				} else fail(error);
			});
			req.end();
		});
	return send(true);
}

function count(map, key) {
	map[key] = (map[key] ?? 0) + 1;
}

serve({
	/**
	 * `count` clients, client i with `cookies[i]` (a `name=value` pair) if given. Each opens its
	 * connection with one GET of `warmUrl`, so the timed run starts on open connections.
	 */
	async open({ count: n, cookies = [], warmUrl }) {
		clients = Array.from({ length: n }, (_, i) => {
			const jar = new Map();
			if (cookies[i]) keepCookies(jar, [cookies[i]]);
			return { agent: new Agent({ keepAlive: true, maxSockets: 1 }), jar };
		});
		const statuses = {};
		await Promise.all(
			clients.map((c) =>
				get(c, warmUrl, '*/*').then(
					(answer) => count(statuses, answer.status),
					(error) => count(statuses, error.code ?? 'error')
				)
			)
		);
		return { statuses };
	},

	/**
	 * Starts the clients on `url`, closed loop: each sends its next request once it has read the
	 * last byte of the previous answer, until `requests` have been sent in all (or, with
	 * `requests` null, until `finish`). Answers once the first answer is in. `names[i]`, if
	 * given, is client i's user: `finish` checks that its last page names it, so a session the
	 * server ended (and a public page served instead) cannot pass for a logged-in one.
	 */
	start({ url, requests = null, names = [] }) {
		const state = {
			stopping: false,
			sent: 0,
			latencies: [],
			statuses: {},
			errors: {},
			encodings: {},
			bodies: new Set(),
			etags: new Set(),
			bodyBytes: new Set(),
			rotations: 0,
			resent: 0,
			first: null,
			last: null,
			firstAnswer: null,
			names
		};
		run = state;
		let answered;
		state.firstAnswer = new Promise((done) => (answered = done));
		const loop = async (client) => {
			while (!state.stopping && (requests === null || state.sent < requests)) {
				state.sent++;
				const started = nowMs();
				state.first ??= started;
				try {
					const answer = await get(client, url, 'text/html');
					state.latencies.push(answer.ms);
					count(state.statuses, answer.status);
					count(state.encodings, answer.headers['content-encoding'] ?? 'none');
					if (answer.headers['set-cookie']) state.rotations++;
					if (answer.status === 200) {
						client.last = answer;
						state.bodies.add(createHash('sha1').update(answer.body).digest('base64'));
						state.bodyBytes.add(answer.body.length);
						if (answer.headers.etag) state.etags.add(answer.headers.etag);
					}
				} catch (error) {
					count(state.errors, error.code ?? String(error.message ?? error));
				}
				state.last = nowMs();
				answered();
			}
		};
		state.loops = Promise.all(clients.map(loop));
		return state.firstAnswer.then(() => ({ started: true }));
	},

	/** Stops sending (a run without a count), waits for the answers in flight, and sums up. */
	async finish({ stop = false } = {}) {
		const state = run;
		if (stop) state.stopping = true;
		await state.loops;
		run = null;
		const answered = state.latencies.length;
		const seconds = (state.last - state.first) / 1000;
		const errors = Object.values(state.errors).reduce((a, b) => a + b, 0);
		const notTheirPage = clients.filter((c, i) => {
			if (!state.names[i]) return false;
			if (!c.last) return true;
			const { body, headers } = c.last;
			const html = headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
			return !html.toString().includes(`>${state.names[i]}<`);
		}).length;
		return {
			clients: clients.length,
			requests: state.sent,
			answered,
			seconds: round(seconds, 3),
			pagesPerSecond: round(answered / seconds, 1),
			latency: summarise(state.latencies),
			statuses: state.statuses,
			errors: state.errors,
			failed: state.sent - (state.statuses[200] ?? 0),
			failedByError: errors,
			notTheirPage,
			encodings: state.encodings,
			distinctBodies: state.bodies.size,
			distinctEtags: state.etags.size,
			bodyBytes: { min: Math.min(...state.bodyBytes), max: Math.max(...state.bodyBytes) },
			answersWithSetCookie: state.rotations,
			resent: state.resent
		};
	},

	close() {
		for (const c of clients) c.agent.destroy();
		clients = [];
	}
});
