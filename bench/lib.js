// Small helpers shared by the benchmark's processes. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

/**
 * Milliseconds on the system's monotonic clock. process.hrtime reads CLOCK_MONOTONIC, which
 * every process on the machine shares, so a time taken in the driver process and one taken in
 * a client process can be subtracted (performance.now() could not: its origin is per process).
 */
export function nowMs() {
	const [s, ns] = process.hrtime();
	return s * 1e3 + ns / 1e6;
}

/** A port nothing listens on now, on 127.0.0.1. */
export function freePort() {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.once('error', fail);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});
}

/**
 * Runs one of the app's commands from a build (`<buildDir>/commands.js`, src/lib/server/commands/)
 * on `database` (a SQLite file, or a `postgres://` URL), and answers the line of JSON it prints. The benchmark reads and
 * writes the database only through them or the HTTP API, never with SQL of its own.
 */
export function appCommand(buildDir, database, name, args = {}) {
	const commands = join(buildDir, 'commands.js');
	if (!existsSync(commands)) {
		throw new Error(`${commands} is missing: build with \`npm run build\` (it writes it)`);
	}
	const argv = Object.entries(args).flatMap(([option, value]) => [`--${option}`, String(value)]);
	const env = { ...process.env };
	if (database.startsWith('postgres://')) env.DATABASE_URL = database;
	else {
		env.DATABASE_PATH = database;
		delete env.DATABASE_URL;
	}
	const run = spawnSync(process.execPath, [commands, name, ...argv], {
		env,
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024
	});
	if (run.status !== 0) throw new Error(`${name} failed (${run.status}): ${run.stderr}`);
	return JSON.parse(run.stdout);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The browser client's reconnect delay (src/lib/client/backoff.ts), copied to plain JS. */
export function backoffDelay(attempt, random = Math.random) {
	const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 16));
	return Math.round(ceiling * (0.5 + random() / 2));
}

const clockTicks = 100; // USER_HZ: 100 on every Linux that Node supports

/** User and kernel CPU seconds of a process (all its threads); nulls off Linux. */
export function cpuTimes(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name may hold spaces and parentheses: count fields after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return { user: Number(fields[11]) / clockTicks, system: Number(fields[12]) / clockTicks };
	} catch {
		return { user: null, system: null };
	}
}

/** utime + stime of a process (all its threads), in seconds; null off Linux. */
export function cpuSeconds(pid) {
	const { user, system } = cpuTimes(pid);
	return user === null ? null : user + system;
}

/** CPU seconds of the whole machine so far: { busy, total } over every core, from /proc/stat. */
export function machineCpu() {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
		const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
		const total = v.reduce((a, b) => a + b, 0);
		const idle = v[3] + v[4];
		return { busy: (total - idle) / clockTicks, total: total / clockTicks };
	} catch {
		return { busy: null, total: null };
	}
}

/** VmRSS and VmHWM of a process in bytes; nulls off Linux or once it is gone. */
export function memory(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const field = (name) => {
			const match = status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
			return match ? Number(match[1]) * 1024 : null;
		};
		return { rss: field('VmRSS'), hwm: field('VmHWM') };
	} catch {
		return { rss: null, hwm: null };
	}
}

/** Nearest-rank percentile of an ascending Float64Array (or array). */
export function percentile(sorted, p) {
	if (sorted.length === 0) return null;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarise(latencies) {
	const sorted = Float64Array.from(latencies).sort();
	return {
		count: sorted.length,
		p50Ms: round(percentile(sorted, 50)),
		p95Ms: round(percentile(sorted, 95)),
		p99Ms: round(percentile(sorted, 99)),
		maxMs: round(sorted.length ? sorted[sorted.length - 1] : null)
	};
}

export function round(value, digits = 2) {
	if (value === null || value === undefined || !Number.isFinite(value)) return value ?? null;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** The request/answer protocol between run.js and its forked load processes. */
export function serve(handlers) {
	process.on('message', async ({ id, cmd, args }) => {
		try {
			const result = await handlers[cmd](args ?? {});
			process.send({ id, result: result ?? null });
		} catch (error) {
			process.send({ id, error: error?.stack ?? String(error) });
		}
	});
	process.on('disconnect', () => process.exit(0));
}

/** Runs `tasks` (functions returning promises) at most `limit` at a time; results in order. */
export async function pool(tasks, limit) {
	const results = new Array(tasks.length);
	let next = 0;
	const worker = async () => {
		while (next < tasks.length) {
			const i = next++;
			results[i] = await tasks[i]();
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
	return results;
}

/** A generator from a fixed seed, so every run builds the same data: `random()` in [0, 1). */
export function seeded(seed) {
	const random = () => {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		return seed / 0x7fffffff;
	};
	return { random, pick: (list) => list[Math.floor(random() * list.length)] };
}

/**
 * The options of a bench script: `--name value` or `--name=value` for each key of `defaults`,
 * and `--quick` for `quick`'s values. `paths` are resolved, `text` kept as given; every other
 * value is a number: above zero (or zero too, with `zero`), whole unless listed in `fractions`.
 */
export function parseOptions(
	argv,
	defaults,
	quick,
	{ paths = [], text = [], fractions = [], zero = false } = {}
) {
	const flags = {};
	let isQuick = false;
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--quick') {
			isQuick = true;
			continue;
		}
		const match = argv[i].match(/^--([a-z-]+)(?:=(.*))?$/);
		if (!match) throw new Error(`unknown argument ${argv[i]}`);
		const key = match[1].replace(/-([a-z])/g, (_, ch) => ch.toUpperCase());
		if (!(key in defaults)) throw new Error(`unknown option --${match[1]}`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new Error(`--${match[1]} needs a value`);
		if (paths.includes(key)) flags[key] = resolve(value);
		else if (text.includes(key)) flags[key] = value;
		else {
			const number = Number(value);
			if (!Number.isFinite(number) || number < 0 || (number === 0 && !zero))
				throw new Error(`--${match[1]} must be a ${zero ? 'non-negative' : 'positive'} number`);
			flags[key] = fractions.includes(key) ? number : Math.round(number);
		}
	}
	return { ...defaults, ...(isQuick ? quick : {}), ...flags, quick: isQuick };
}

const connected = Buffer.from(JSON.stringify({ type: 'connected', session: null, lastEventId: 0 }));

/**
 * The stream side of a bare floor server: sockets at /api/events (any query, any cookie) that
 * get `connected` and then whatever the server sends to `sockets`; listening on host:port, and
 * closing them 1001 on SIGTERM or SIGINT.
 */
export function serveStreams(server, sockets, { host, port }) {
	// The same ws settings as the app's stream (src/lib/server/stream/upgrade.ts).
	const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
	server.on('upgrade', (request, socket, head) => {
		socket.on('error', () => socket.destroy());
		if (!request.url?.startsWith('/api/events')) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
			return;
		}
		wss.handleUpgrade(request, socket, head, (ws) => {
			sockets.add(ws);
			ws.on('error', () => {});
			ws.on('close', () => sockets.delete(ws));
			ws.send(connected, { binary: false });
		});
	});
	server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));
	const stop = () => {
		for (const ws of sockets) ws.close(1001, 'server shutting down');
		server.close(() => process.exit(0));
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.once('SIGTERM', stop);
	process.once('SIGINT', stop);
}

/**
 * Requests to the app from a bench script over kept-alive connections (node:http costs the
 * bench process less CPU per request than fetch, and the machine has two cores for both).
 * `call` answers { status, headers, bytes, text, json, cookie, ms }: `cookie` is the session
 * cookie the answer set, if any, and `ms` the time to the last byte. `url` may be a path under
 * `base`; `encoding` is sent as `accept-encoding` (`bytes` then holds the body as it came).
 */
export function httpClient(base, maxSockets) {
	let agent = new Agent({ keepAlive: true, maxSockets });
	let resent = 0;

	function call(method, url, { cookie, body, accept, encoding } = {}) {
		return new Promise((done, fail) => {
			const data = body === undefined ? undefined : JSON.stringify(body);
			const headers = { origin: base };
			if (cookie) headers.cookie = cookie;
			if (accept) headers.accept = accept;
			if (encoding) headers['accept-encoding'] = encoding;
			if (data !== undefined) {
				headers['content-type'] = 'application/json';
				headers['content-length'] = Buffer.byteLength(data);
			}
			const started = nowMs();
			const send = (retry) => {
				const req = request(new URL(url, base), { method, agent, headers }, (res) => {
					const chunks = [];
					res.on('data', (chunk) => chunks.push(chunk));
					res.on('end', () => {
						const ms = nowMs() - started;
						const bytes = Buffer.concat(chunks);
						const text = bytes.toString();
						const cookie = (res.headers['set-cookie'] ?? [])
							.map((c) => c.split(';')[0])
							.find((c) => !c.endsWith('='));
						let json = null;
						try {
							json = JSON.parse(text);
						} catch {
							// a page, not JSON
						}
						done({ status: res.statusCode, headers: res.headers, bytes, text, json, cookie, ms });
					});
				});
				// A kept-alive socket the server closed for idleness just as it was picked fails the
				// request before any answer: send it once more, as Node's documentation advises. The
				// time still counts from the first attempt.
				req.on('error', (error) => {
					if (retry && req.reusedSocket && ['ECONNRESET', 'EPIPE'].includes(error.code)) {
						resent++;
						send(false);
					} else fail(error);
				});
				req.end(data);
			};
			send(true);
		});
	}

	return {
		call,
		/** `call`, and an error unless the answer has `status`. */
		async must(method, url, options, status = 200) {
			const answer = await call(method, url, options);
			if (answer.status !== status)
				throw new Error(`${method} ${url}: ${answer.status} ${answer.text.slice(0, 200)}`);
			return answer;
		},
		/** Requests sent again after a kept-alive socket failed them. */
		get resent() {
			return resent;
		},
		/** New connections from here on: none left over from an earlier phase. */
		renew() {
			agent.destroy();
			agent = new Agent({ keepAlive: true, maxSockets });
		},
		close() {
			agent.destroy();
		}
	};
}

/**
 * The child processes of a bench script (run.js, postgres.js): node processes started with
 * enough open files for `clients` sockets, forked load processes (bench/load.js) that answer
 * commands over IPC, and servers awaited until they listen. All are killed on SIGINT.
 */
export function processes(clients) {
	const benchDir = dirname(fileURLToPath(import.meta.url));
	const root = resolve(benchDir, '..');

	// Open files: every client socket and every server socket is a descriptor.
	const out = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
	const [soft, hard] = (out.stdout ?? '')
		.trim()
		.split('\n')
		.map((v) => (v === 'unlimited' ? Infinity : Number(v)));
	const limits = { soft, hard };
	const filesNeeded = clients + 1024;
	let raiseFilesTo = null;
	if (Number.isFinite(limits.soft) && limits.soft < filesNeeded) {
		if (limits.hard >= filesNeeded) raiseFilesTo = filesNeeded;
		else {
			console.warn(
				`bench: warning: ${clients} clients need about ${filesNeeded} open files but the hard limit ` +
					`(ulimit -Hn) is ${limits.hard}; raise it (e.g. in /etc/security/limits.conf) or use fewer --clients.`
			);
		}
	}

	const children = new Set();

	/** Starts node with `args`, through `sh -c 'ulimit -n N; exec node …'` when the limit must rise. */
	function spawnNode(args, spawnOptions) {
		const child = raiseFilesTo
			? spawn(
					'sh',
					['-c', `ulimit -n ${raiseFilesTo} && exec "$0" "$@"`, process.execPath, ...args],
					spawnOptions
				)
			: spawn(process.execPath, args, spawnOptions);
		children.add(child);
		child.once('exit', () => children.delete(child));
		return child;
	}

	function killChildren() {
		for (const child of children) {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	}
	process.once('SIGINT', () => {
		killChildren();
		process.exit(130);
	});

	/** A forked load process (bench/load.js) that answers commands over IPC. */
	class LoadProcess {
		constructor(role) {
			this.role = role;
			this.next = 0;
			this.pending = new Map();
			this.child = spawnNode([join(benchDir, 'load.js'), role], {
				cwd: root,
				stdio: ['ignore', 'inherit', 'inherit', 'ipc']
			});
			this.child.on('message', ({ id, result, error }) => {
				const waiter = this.pending.get(id);
				this.pending.delete(id);
				if (error) waiter?.reject(new Error(`${role}: ${error}`));
				else waiter?.resolve(result);
			});
			this.child.once('exit', (code, signal) => {
				for (const waiter of this.pending.values())
					waiter.reject(new Error(`load process ${role} exited (${code ?? signal})`));
				this.pending.clear();
			});
		}
		call(cmd, args) {
			return new Promise((resolvePromise, reject) => {
				const id = this.next++;
				this.pending.set(id, { resolve: resolvePromise, reject });
				this.child.send({ id, cmd, args });
			});
		}
		stop() {
			this.child.disconnect();
		}
	}

	/** Starts a server process and waits for its "Listening on" line. */
	async function launch(name, args, env, cwd = root) {
		const child = spawnNode(args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let log = '';
		await new Promise((ready, fail) => {
			const timer = setTimeout(
				() => fail(new Error(`${name} did not start within 30 s:\n${log}`)),
				30_000
			);
			child.stdout.on('data', (chunk) => {
				log += chunk;
				if (log.includes('Listening on')) {
					clearTimeout(timer);
					ready();
				}
			});
			child.stderr.on('data', (chunk) => (log += chunk));
			child.once('exit', (code) => {
				clearTimeout(timer);
				fail(new Error(`${name} exited with ${code} before listening:\n${log}`));
			});
		});
		return { name, child, pid: child.pid, log: () => log };
	}

	/** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
	function stop(server, timeoutMs = 15_000) {
		const { child } = server;
		return new Promise((done) => {
			if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
			const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
			child.once('exit', (code) => {
				clearTimeout(timer);
				done(code);
			});
			child.kill('SIGTERM');
		});
	}

	return { limits, raiseFilesTo, spawnNode, killChildren, LoadProcess, launch, stop };
}
