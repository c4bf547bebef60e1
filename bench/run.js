// `npm run bench`: fan-out, catch-up, writes, memory and a reconnect storm against the built
// production server, each next to a bare floor of our own stack. See docs/performance.md.
//
//   npm run bench                      defaults: 2,000 clients, 50 changes/s for 20 s, 100,000 backlog
//   npm run bench -- --quick           a short run (under a minute) that keeps the script working in CI
//   npm run bench -- --clients 5000 --rate 100 --duration 30 --backlog 200000 --load-procs 2
//   npm run bench -- --profile bench/profiles   also writes the servers' V8 CPU profiles there
//
// Options (each --name value or --name=value): --clients, --rate, --duration, --backlog,
// --sessions, --users, --storm-events, --write-concurrency, --write-seconds, --write-rounds,
// --load-procs, --profile <dir>, --output <file> (default bench/results.json), --build <dir>
// (default BUILD_DIR, else build/: another build, e.g. a patched copy, to compare against),
// --floors (default ws,socketio,socketioRecovery: the baselines to run; ws always runs); --quick.
// --postgres: SQLite against one, two and three instances on PostgreSQL instead (bench/postgres.js).
//
// It builds nothing: it runs a copy of build/ as it is.
import { spawnSync } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import {
	appCommand,
	cpuSeconds,
	cpuTimes,
	freePort,
	machineCpu,
	memory,
	nowMs,
	parseOptions,
	pool,
	processes,
	round,
	sleep,
	summarise
} from './lib.js';

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'bench');

// ---------------------------------------------------------------- options

const defaults = {
	clients: 2000,
	rate: 50,
	duration: 20,
	backlog: 100_000,
	sessions: 100,
	users: 20,
	stormEvents: 100,
	writeConcurrency: 16,
	writeSeconds: 6,
	writeRounds: 3,
	loadProcs: 0, // 0: one per two cores, at least one, at most four
	profile: null,
	// BUILD_DIR names the build as it does for server.js (`BUILD_DIR=build-test` for the tests').
	build: resolve(root, process.env.BUILD_DIR || 'build'),
	output: join(benchDir, 'results.json'),
	floors: 'ws,socketio,socketioRecovery'
};
const quickDefaults = {
	clients: 100,
	duration: 3,
	backlog: 5000,
	sessions: 20,
	stormEvents: 20,
	writeSeconds: 1,
	writeRounds: 1
};

function parseArgs(argv) {
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(
			readFileSync(new URL(import.meta.url), 'utf8')
				.split('\n')
				.slice(0, 15)
				.join('\n')
		);
		process.exit(0);
	}
	const options = parseOptions(argv, defaults, quickDefaults, {
		paths: ['profile', 'output', 'build'],
		text: ['floors'],
		fractions: Object.keys(defaults),
		zero: true
	});
	if (!options.loadProcs)
		options.loadProcs = Math.min(4, Math.max(1, Math.floor(os.availableParallelism() / 2)));
	options.users = Math.max(options.users, options.writeConcurrency, 1);
	options.writeRounds = Math.max(1, Math.round(options.writeRounds));
	return options;
}

// The PostgreSQL mode is a script of its own (bench/postgres.js) on the same machinery.
if (process.argv.includes('--postgres')) {
	const run = spawnSync(
		process.execPath,
		[join(benchDir, 'postgres.js'), ...process.argv.slice(2)],
		{
			stdio: 'inherit'
		}
	);
	process.exit(run.status ?? 1);
}

let options;
try {
	options = parseArgs(process.argv.slice(2));
} catch (error) {
	console.error(`bench: ${error.message}`);
	process.exit(2);
}

if (!existsSync(join(options.build, 'index.js'))) {
	console.error(
		`bench: ${join(options.build, 'index.js')} is missing. Run \`npm run build\` first, then \`npm run bench\`.`
	);
	process.exit(1);
}

// ---------------------------------------------------------------- processes

const { limits, raiseFilesTo, killChildren, LoadProcess, launch, stop } = processes(
	options.clients
);

// ---------------------------------------------------------------- the app under test

const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-bench-'));
const dbPath = join(tmp, 'tidewatch.db');

// The server runs from a copy of build/ taken now, so that a rebuild while the benchmark runs
// (it restarts the server several times) cannot swap the code under test halfway through.
const appDir = join(tmp, 'app');
const appBuild = join(appDir, 'build');
cpSync(options.build, appBuild, { recursive: true });
// server.js belongs to its build: another build (--build) brings the one of its own checkout.
for (const file of ['server.js', 'package.json'])
	copyFileSync(join(resolve(options.build, '..'), file), join(appDir, file));
symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'dir');
if (!existsSync(join(appBuild, 'index.js')) || !existsSync(join(appBuild, 'commands.js'))) {
	console.error(
		'bench: build/ changed while it was being copied (a build in progress?). Run `npm run build`, then try again.'
	);
	process.exit(1);
}
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const wsUrl = `ws://127.0.0.1:${port}/api/events`;
const origin = base;

function startApp({ inspect = false, env: extra = {} } = {}) {
	const env = {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: origin,
		DATABASE_PATH: dbPath,
		SHUTDOWN_TIMEOUT: '5',
		BUILD_DIR: join(appDir, 'build'),
		// The benchmark registers its users from one address, more than a visitor may.
		RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '10000',
		// Its C clients all connect from 127.0.0.1, about C / 20 per user.
		STREAM_MAX_PER_ADDRESS: String(options.clients + 100),
		STREAM_MAX_PER_INSTANCE: String(options.clients + 100),
		STREAM_MAX_PER_USER: String(options.clients + 100),
		// The catch-up replays the whole backlog, however long, rather than being told to resync.
		STREAM_REPLAY_MAX_EVENTS: String(options.backlog + 1_000_000),
		// --sessions may ask for more logins per user than a person may hold or make.
		SESSION_MAX_LOGINS_PER_USER: String(options.sessions + 10),
		RATE_LIMIT_LOGINS_PER_USER: String(options.sessions + 10),
		...extra
	};
	// Node 20 does not take --cpu-prof in NODE_OPTIONS; it goes on the command line. The
	// profile is written when the process exits (the benchmark always stops it with SIGTERM).
	const profile = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : [];
	if (options.profile) mkdirSync(options.profile, { recursive: true });
	// The memory phase asks V8, through the inspector on a loopback port, to collect garbage
	// before each RSS reading, so that the handshakes' garbage does not count as streams.
	const inspector = inspect ? ['--inspect=127.0.0.1:0'] : [];
	return launch('tidewatch', [...profile, ...inspector, 'server.js'], env, appDir);
}

async function api(method, path, { cookie, body } = {}) {
	const headers = { origin };
	if (cookie) headers.cookie = cookie;
	if (body !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(base + path, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON
	}
	const setCookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.find((c) => !c.endsWith('='));
	return { status: response.status, json, text, cookie: setCookie };
}

async function lastEventId() {
	const r = await api('GET', '/api/last-event-id');
	if (r.status !== 200) throw new Error(`GET /api/last-event-id: ${r.status} ${r.text}`);
	return r.json.id;
}

// ---------------------------------------------------------------- reporting helpers

const machine = {
	cores: os.availableParallelism(),
	cpu: os.cpus()[0]?.model ?? 'unknown',
	memoryGiB: round(os.totalmem() / 2 ** 30, 1),
	node: process.version,
	platform: `${os.type()} ${os.release()} ${os.arch()}`,
	openFiles: { soft: limits.soft, hard: limits.hard, children: raiseFilesTo ?? limits.soft }
};

const log = (...args) =>
	console.log(`[${((nowMs() - t0) / 1000).toFixed(1).padStart(5)} s]`, ...args);
const t0 = nowMs();

/** Splits `count` clients over the client processes. */
function shares(count, parts) {
	return Array.from(
		{ length: parts },
		(_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0)
	);
}

/** Polls a process's RSS every 100 ms; stop() gives the highest value seen. */
function rssPoller(pid) {
	let peak = memory(pid).rss ?? 0;
	const timer = setInterval(() => {
		const { rss } = memory(pid);
		if (rss) peak = Math.max(peak, rss);
	}, 100);
	return () => {
		clearInterval(timer);
		return peak;
	};
}

/** Sends inspector protocol commands to a process started with --inspect; their results. */
async function inspectorCall(server, methods) {
	const url = server.log().match(/Debugger listening on (ws:\/\/\S+)/)?.[1];
	if (!url) return null;
	const ws = new WebSocket(url, { perMessageDeflate: false });
	await new Promise((resolveOpen, reject) => {
		ws.once('open', resolveOpen);
		ws.once('error', reject);
	});
	const results = [];
	for (const [i, call] of methods.entries()) {
		const { method, params } = typeof call === 'string' ? { method: call } : call;
		ws.send(JSON.stringify({ id: i + 1, method, params }));
		results.push(
			await new Promise((resolveCall) => {
				const onMessage = (data) => {
					const message = JSON.parse(String(data));
					if (message.id !== i + 1) return;
					ws.off('message', onMessage);
					resolveCall(message.result);
				};
				ws.on('message', onMessage);
			})
		);
	}
	ws.close();
	await new Promise((done) => ws.once('close', done));
	return results;
}

/** RSS (median of five readings) and V8 heap in use, after a full garbage collection. */
async function settledMemory(server) {
	await sleep(500);
	const calls = await inspectorCall(server, [
		'HeapProfiler.collectGarbage',
		'HeapProfiler.collectGarbage',
		'Runtime.getHeapUsage'
	]);
	const readings = [];
	for (let i = 0; i < 5; i++) {
		await sleep(200);
		readings.push(memory(server.pid).rss);
	}
	return { rss: readings.sort((a, b) => a - b)[2], heapUsed: calls?.[2]?.usedSize ?? null };
}

/**
 * The event-loop delay of a server process over a fan-out run, from `monitorEventLoopDelay`
 * started and read inside it through the inspector: its max is the longest time the process
 * could not turn to anything else (a new connection, a request, a heartbeat).
 */
async function startLoopDelay(server) {
	await inspectorCall(server, [
		{
			method: 'Runtime.evaluate',
			params: {
				expression: `(() => {
					const { monitorEventLoopDelay, PerformanceObserver } =
						process.getBuiltinModule('node:perf_hooks');
					globalThis.benchLoopDelay?.disable();
					globalThis.benchLoopDelay = monitorEventLoopDelay({ resolution: 1 });
					globalThis.benchLoopDelay.enable();
					// Garbage collection pauses, to tell a long turn of our own code from one of V8's.
					globalThis.benchGc?.observer.disconnect();
					const gc = { maxMs: 0, totalMs: 0, count: 0 };
					gc.observer = new PerformanceObserver((list) => {
						for (const entry of list.getEntries()) {
							gc.maxMs = Math.max(gc.maxMs, entry.duration);
							gc.totalMs += entry.duration;
							gc.count++;
						}
					});
					gc.observer.observe({ entryTypes: ['gc'] });
					globalThis.benchGc = gc;
					return true;
				})()`
			}
		}
	]);
}

async function stopLoopDelay(server) {
	const [result] =
		(await inspectorCall(server, [
			{
				method: 'Runtime.evaluate',
				params: {
					expression: `(() => {
						const h = globalThis.benchLoopDelay;
						h.disable();
						const gc = globalThis.benchGc;
						gc.observer.disconnect();
						return {
							maxMs: h.max / 1e6,
							p99Ms: h.percentile(99) / 1e6,
							meanMs: h.mean / 1e6,
							gcMaxMs: gc.maxMs,
							gcTotalMs: gc.totalMs,
							gcCount: gc.count
						};
					})()`,
					returnByValue: true
				}
			}
		])) ?? [];
	const value = result?.result?.value;
	return value
		? {
				maxMs: round(value.maxMs, 1),
				p99Ms: round(value.p99Ms, 1),
				meanMs: round(value.meanMs, 2),
				gcMaxMs: round(value.gcMaxMs, 1),
				gcTotalMs: round(value.gcTotalMs, 0),
				gcCount: value.gcCount
			}
		: { maxMs: null, p99Ms: null, meanMs: null };
}

/** The driver renames the target (or broadcasts the baseline's event) R times a second, open loop. */
function driveChanges(kind, server, target, cookie, seconds, marker) {
	return driver.call('drive', {
		kind,
		base: kind === 'tidewatch' ? base : server.base,
		origin,
		cookie,
		target,
		rate: options.rate,
		seconds,
		marker
	});
}

/**
 * The server CPU of a change with no stream open: `rate` changes a second for a few seconds,
 * driven as in the fan-out. With the fan-out run's CPU it fits cost = fixed × changes +
 * perClient × deliveries, from two points (0 and C clients).
 */
async function fixedCost(kind, server, target, cookie) {
	const seconds = Math.min(5, options.duration);
	// Unmeasured first: a fresh process runs its request path unoptimised until V8 has seen it
	// a few thousand times; two seconds of back-to-back changes get it there, as the longer
	// fan-out run does.
	await driver.call('closedLoop', {
		kind: kind === 'tidewatch' ? 'rename' : 'broadcast',
		base: kind === 'tidewatch' ? base : server.base,
		origin,
		cookie,
		targets: [target.id],
		concurrency: 4,
		seconds: Math.min(2, options.duration),
		warmupSeconds: 0
	});
	// V8 optimises and collects the warm-up's garbage on its own threads in the second after
	// it; measured at once, that work would count as the cost of the few changes measured.
	await sleep(options.quick ? 200 : 1500);
	const cpuBefore = cpuSeconds(server.pid);
	const drive = await driveChanges(kind, server, target, cookie, seconds, 'fixed-');
	const cpu = cpuSeconds(server.pid) - cpuBefore;
	const changes = drive.statuses[kind === 'tidewatch' ? 200 : 204] ?? 0;
	return {
		seconds,
		changes,
		cpuSeconds: round(cpu, 2),
		msPerChange: round((cpu / changes) * 1e3, 3)
	};
}

/** Per client and change: what the fan-out run cost beyond the fixed cost of its changes. */
function fitted(fixed, run) {
	const perClient =
		(run.serverCpuSeconds - (fixed.msPerChange / 1e3) * run.changesAccepted) /
		(run.changesAccepted * run.clients);
	return { fixedMsPerChange: fixed.msPerChange, perClientMicros: round(perClient * 1e6, 2), fixed };
}

// ---------------------------------------------------------------- phases

const password = 'bench-password-1234';
const loaders = Array.from({ length: options.loadProcs }, () => new LoadProcess('clients'));
const driver = new LoadProcess('driver');
const everyLoader = (cmd, args) => Promise.all(loaders.map((l) => l.call(cmd, args)));

async function connectClients(url, cookies, count, lastEventId, protocol = 'ws') {
	const started = nowMs();
	const counts = shares(count, loaders.length);
	await Promise.all(
		loaders.map((l, i) =>
			l.call('connect', {
				url,
				origin,
				// Rotated per process so that the processes' first clients use different sessions.
				cookies: cookies
					.slice(i % Math.max(1, cookies.length))
					.concat(cookies.slice(0, i % Math.max(1, cookies.length))),
				count: counts[i],
				lastEventId,
				protocol
			})
		)
	);
	return (nowMs() - started) / 1000;
}

/**
 * One fan-out run: every connected client records when each change arrives; the driver sends
 * `rate` changes a second for `duration` seconds. Latency is from the start of the HTTP request
 * to the arrival at a client, for every (client, change) pair.
 */
async function fanout(kind, server, target, cookie, finalId) {
	const marker = '"name":"fanout-';
	await everyLoader('record', {
		n: Math.max(1, Math.round(options.rate * options.duration)),
		marker,
		prefix: 'fanout-'
	});
	await startLoopDelay(server);
	await everyLoader('resetStats');
	const loadPids = [...loaders, driver].map((l) => l.child.pid);
	const timesBefore = cpuTimes(server.pid);
	const cpuBefore = cpuSeconds(server.pid);
	const loadCpuBefore = loadPids.map(cpuSeconds);
	const mainCpuBefore = process.cpuUsage();
	const machineBefore = machineCpu();
	const stopRss = rssPoller(server.pid);
	const drive = await driveChanges(kind, server, target, cookie, options.duration, 'fanout-');
	const last = await finalId(drive);
	const waits = await everyLoader('waitAtLeast', { id: last, timeoutMs: 30_000 });
	const loopDelay = await stopLoopDelay(server);
	const timesAfter = cpuTimes(server.pid);
	const cpuAfter = cpuSeconds(server.pid);
	const loadCpu = loadPids.map((pid, i) => cpuSeconds(pid) - loadCpuBefore[i]);
	const mainCpu = process.cpuUsage(mainCpuBefore);
	const machineAfter = machineCpu();
	const peakRss = stopRss();
	const statuses = await everyLoader('status');
	const files = await Promise.all(
		loaders.map((l, i) => l.call('stopRecord', { file: join(tmp, `arrivals-${kind}-${i}.bin`) }))
	);

	const okStatus = kind === 'tidewatch' ? 200 : 204;
	const succeeded = drive.statuses[okStatus] ?? 0;
	const latencies = [];
	const bySecond = Array.from({ length: Math.ceil(drive.n / options.rate) }, () => []);
	let delivered = 0;
	let firstStart = Infinity;
	let lastArrival = -Infinity;
	for (const s of drive.starts) firstStart = Math.min(firstStart, s);
	files.forEach((info, i) => {
		const bytes = readFileSync(join(tmp, `arrivals-${kind}-${i}.bin`));
		const arrivals = new Float64Array(Uint8Array.from(bytes).buffer); // a copy, 8-byte aligned
		for (let k = 0; k < arrivals.length; k++) {
			const at = arrivals[k];
			if (Number.isNaN(at)) continue;
			delivered++;
			const seq = k % info.n;
			const latency = at - drive.starts[seq];
			latencies.push(latency);
			bySecond[Math.floor(seq / options.rate)].push(latency);
			if (at > lastArrival) lastArrival = at;
		}
	});
	const clients = files.reduce((sum, f) => sum + f.clients, 0);
	const expected = clients * succeeded;
	const windowSeconds = (lastArrival - firstStart) / 1000;
	const closes = {};
	for (const s of statuses)
		for (const [code, n] of Object.entries(s.closes)) closes[code] = (closes[code] ?? 0) + n;
	return {
		clients,
		changes: drive.n,
		changesAccepted: succeeded,
		httpStatuses: drive.statuses,
		httpResponse: drive.response,
		driverMaxLagMs: round(drive.maxLagMs),
		driverConnections: { opened: drive.connectionsOpened, atEnd: drive.connectionsAtEnd },
		loopDelay,
		deliveries: delivered,
		expectedDeliveries: expected,
		missing: Math.max(0, expected - delivered),
		drained: waits.every((w) => w.ok),
		windowSeconds: round(windowSeconds, 3),
		deliveriesPerSecond: round(delivered / windowSeconds, 0),
		...summarise(latencies),
		serverCpuSeconds: round(cpuAfter - cpuBefore),
		serverCpuMicrosPerDelivery: round(((cpuAfter - cpuBefore) / delivered) * 1e6, 3),
		serverPeakRssBytes: peakRss,
		// Where the machine's CPU went over the same window: the client processes, the driver,
		// this script, and anything else running on the machine at the time.
		cpu: {
			windowSeconds: round(machineAfter.total - machineBefore.total, 2),
			machineBusySeconds: round(machineAfter.busy - machineBefore.busy, 2),
			serverSeconds: round(cpuAfter - cpuBefore, 2),
			serverUserSeconds: round(timesAfter.user - timesBefore.user, 2),
			serverKernelSeconds: round(timesAfter.system - timesBefore.system, 2),
			clientProcessesSeconds: loadCpu.slice(0, -1).map((v) => round(v, 2)),
			driverSeconds: round(loadCpu.at(-1), 2),
			benchScriptSeconds: round((mainCpu.user + mainCpu.system) / 1e6, 2),
			otherSeconds: round(
				machineAfter.busy -
					machineBefore.busy -
					(cpuAfter - cpuBefore) -
					loadCpu.reduce((a, b) => a + b, 0) -
					(mainCpu.user + mainCpu.system) / 1e6,
				2
			)
		},
		streamCloses: closes,
		// Latency of the changes sent in each second of the run: where a stall happened.
		timeline: bySecond.map((list, second) => {
			const { p50Ms, p99Ms, maxMs } = summarise(list);
			return { second, deliveries: list.length, p50Ms, p99Ms, maxMs };
		}),
		notIncreasing: statuses.reduce((sum, s) => sum + s.notIncreasing, 0)
	};
}

const results = {
	benchmark: 'tidewatch',
	date: new Date().toISOString(),
	command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
	machine,
	parameters: {
		...options,
		output: undefined,
		profile: options.profile ?? undefined,
		baselineAsyncLocalStorage: process.env.BASELINE_ASYNC_LOCAL_STORAGE === '1'
	},
	fanout: null,
	catchup: null,
	writes: null,
	memory: null,
	storm: null
};

let app;
try {
	log(
		`machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}`
	);
	log(
		`parameters: ${options.clients} clients, ${options.rate} changes/s for ${options.duration} s, backlog ${options.backlog}, ${options.loadProcs} client process(es)`
	);

	// -- setup: users and sessions
	app = await startApp();
	log(`server up (pid ${app.pid}), database ${dbPath}`);
	const admin = await api('POST', '/api/auth/register', {
		body: { name: 'bench-admin', password }
	});
	if (admin.status !== 201 || admin.json.type !== 'admin')
		throw new Error(`register admin: ${admin.status} ${admin.text}`);
	const adminCookie = admin.cookie;
	const targetReg = await api('POST', '/api/auth/register', {
		body: { name: 'bench-target', password }
	});
	if (targetReg.status !== 201)
		throw new Error(`register target: ${targetReg.status} ${targetReg.text}`);
	const target = { id: targetReg.json.id, createdAt: targetReg.json.createdAt };
	const users = await pool(
		Array.from({ length: options.users }, (_, i) => async () => {
			const r = await api('POST', '/api/auth/register', {
				body: { name: `bench-u${i}`, password }
			});
			if (r.status !== 201) throw new Error(`register bench-u${i}: ${r.status} ${r.text}`);
			return { id: r.json.id, name: `bench-u${i}`, cookie: r.cookie };
		}),
		4
	);
	const cookies = users.map((u) => u.cookie);
	let loginRefused = null;
	await pool(
		Array.from({ length: Math.max(0, options.sessions - cookies.length) }, (_, i) => async () => {
			if (loginRefused) return;
			const user = users[i % users.length];
			const r = await api('POST', '/api/auth/login', { body: { name: user.name, password } });
			if (r.status === 200 && r.cookie) cookies.push(r.cookie);
			else loginRefused = `${r.status} ${r.text}`;
		}),
		4
	);
	if (loginRefused)
		log(`a login was refused (${loginRefused}); the clients share ${cookies.length} sessions`);
	log(`registered ${users.length + 2} users; ${cookies.length} regular sessions for the clients`);

	// -- 3. catch-up: a backlog written through the storage while the server is down
	await stop(app);
	appCommand(appBuild, dbPath, 'bench-renames', {
		user: target.id,
		count: options.backlog,
		prefix: 'backlog-'
	});
	app = await startApp();
	const catchupHead = await lastEventId();
	const medianOf = (list, by) =>
		[...list].sort((x, y) => by(x) - by(y))[Math.floor((list.length - 1) / 2)];
	/** The floor: the same events read through the storage a page at a time (as the replay
	 *  reads them) and serialised as the stream's messages, in one process, no socket. */
	const readFloor = (from) => appCommand(appBuild, dbPath, 'bench-read-log', { after: from });
	/** One admin client from `from` until it holds the head, and the floor over the same rows;
	 *  median of three of each, since one short run on a shared machine says little. */
	const timeCatchup = async (backlog) => {
		const from = Math.max(0, catchupHead - backlog);
		const runs = [];
		const floors = [];
		for (let i = 0; i < 3; i++) {
			const run = await loaders[0].call('catchup', {
				url: wsUrl,
				origin,
				cookie: adminCookie,
				from
			});
			// The backlog comes last and an admin sees every user-update, so the client holds
			// everything once it has the head; events it may not see (other users' own session
			// lists) never come.
			if (run.events < Math.min(backlog, options.backlog) || !run.increasing) {
				throw new Error(
					`catch-up from ${from} received ${run.events} events up to ${catchupHead} (increasing: ${run.increasing})`
				);
			}
			runs.push(run);
			floors.push(readFloor(from));
		}
		const run = medianOf(runs, (r) => r.seconds);
		const floor = medianOf(floors, (r) => r.seconds);
		return {
			from,
			events: run.events,
			seconds: round(run.seconds, 3),
			eventsPerSecond: round(run.events / run.seconds, 0),
			baselineEvents: floor.events,
			baselineSeconds: round(floor.seconds, 3),
			baselineEventsPerSecond: round(floor.events / floor.seconds, 0),
			ratioToBaseline: round(run.events / run.seconds / (floor.events / floor.seconds), 3)
		};
	};
	log(`catch-up: ${catchupHead} events in the log; one admin client, from 0 and from 10,000 back`);
	results.catchup = {
		...(await timeCatchup(catchupHead)),
		short: await timeCatchup(Math.min(10_000, options.backlog)),
		measure: 'median of three runs of each, the floor likewise',
		baseline:
			"the storage's log reads the same events 2,000 at a time and each is JSON-serialised as a stream message, in one process (the bench-read-log command)"
	};
	log(
		`catch-up: ${results.catchup.eventsPerSecond} events/s (floor ${results.catchup.baselineEventsPerSecond} events/s); ` +
			`last ${results.catchup.short.events}: ${results.catchup.short.eventsPerSecond} events/s (floor ${results.catchup.short.baselineEventsPerSecond})`
	);

	// -- 4. writes: 16 concurrent renames against 16 concurrent reads of a route that does nothing,
	//       alternated over a few rounds so that a busy moment on the machine does not pick a side.
	const writeArgs = {
		base,
		origin,
		cookie: adminCookie,
		targets: users.map((u) => u.id),
		concurrency: options.writeConcurrency,
		seconds: options.writeSeconds / options.writeRounds,
		warmupSeconds: Math.min(0.5, options.writeSeconds / options.writeRounds / 2)
	};
	const rounds = [];
	for (let r = 0; r < options.writeRounds; r++) {
		const writes = await driver.call('closedLoop', { kind: 'rename', ...writeArgs });
		const noop = await driver.call('closedLoop', { kind: 'noop', ...writeArgs });
		for (const [what, run] of [
			['renames', writes],
			['noop reads', noop]
		]) {
			if (!run.statuses[200] || Object.keys(run.statuses).some((code) => code !== '200')) {
				throw new Error(`writes: unexpected statuses for ${what}: ${JSON.stringify(run.statuses)}`);
			}
		}
		rounds.push({ writes, noop });
	}
	const median = (list, by) =>
		[...list].sort((a, b) => by(a) - by(b))[Math.floor((list.length - 1) / 2)];
	const writes = median(
		rounds.map((r) => r.writes),
		(w) => w.perSecond
	);
	const noop = median(
		rounds.map((r) => r.noop),
		(w) => w.perSecond
	);
	results.writes = {
		concurrency: options.writeConcurrency,
		seconds: options.writeSeconds,
		rounds: options.writeRounds,
		mutations: rounds.reduce((sum, r) => sum + r.writes.count, 0),
		perSecond: round(writes.perSecond, 0),
		p50Ms: writes.latency.p50Ms,
		p99Ms: writes.latency.p99Ms,
		noopRoute: 'GET /api/last-event-id (same admin cookie, so the session check runs too)',
		noopRequests: rounds.reduce((sum, r) => sum + r.noop.count, 0),
		noopPerSecond: round(noop.perSecond, 0),
		noopP50Ms: noop.latency.p50Ms,
		noopP99Ms: noop.latency.p99Ms,
		ratioToNoop: round(writes.perSecond / noop.perSecond, 3),
		perRound: rounds.map((r) => ({
			renamesPerSecond: round(r.writes.perSecond, 0),
			noopPerSecond: round(r.noop.perSecond, 0)
		})),
		measure:
			'median over the rounds; each round runs the renames, then the reads, each after a short warm-up'
	};
	log(
		`writes: ${results.writes.perSecond} renames/s (noop ${results.writes.noopPerSecond} requests/s)`
	);

	// -- 5. memory per idle stream, on a fresh server process
	await stop(app);
	app = await startApp({ inspect: true });
	for (let i = 0; i < 50; i++)
		await api('GET', '/api/users', { cookie: cookies[i % cookies.length] });
	const ourFixed = await fixedCost('tidewatch', app, target, adminCookie);
	log(`fixed cost: ${ourFixed.msPerChange} ms of server CPU per change with no stream open`);
	const idle = await settledMemory(app);
	let head = await lastEventId();
	const connectSeconds = await connectClients(wsUrl, cookies, options.clients, head);
	const streams = await settledMemory(app);
	results.memory = {
		clients: options.clients,
		rssWithoutStreamsBytes: idle.rss,
		rssWithStreamsBytes: streams.rss,
		bytesPerIdleStream: round((streams.rss - idle.rss) / options.clients, 0),
		heapBytesPerIdleStream:
			idle.heapUsed === null
				? null
				: round((streams.heapUsed - idle.heapUsed) / options.clients, 0),
		connectSeconds: round(connectSeconds, 3),
		measuredAfter:
			'a full garbage collection (inspector HeapProfiler.collectGarbage) before each reading'
	};
	log(
		`memory: ${options.clients} streams connected in ${connectSeconds.toFixed(2)} s; ${results.memory.bytesPerIdleStream} bytes RSS per idle stream`
	);

	// -- 1. fan-out through the app
	const ours = await fanout('tidewatch', app, target, adminCookie, async () => lastEventId());
	ours.fit = fitted(ourFixed, ours);
	log(
		`fan-out: ${ours.deliveriesPerSecond} deliveries/s, p50 ${ours.p50Ms} ms, p99 ${ours.p99Ms} ms, ` +
			`longest loop turn ${ours.loopDelay.maxMs} ms`
	);

	// -- 6. reconnect storm: stop the server under the connected clients, write events while it
	//       is down, start it again on the same database and port.
	head = await lastEventId();
	const stormTo = head + options.stormEvents;
	await everyLoader('watchStorm', { from: head, to: stormTo });
	await everyLoader('resetStats');
	const stormStart = nowMs();
	await stop(app);
	const stoppedAt = nowMs();
	appCommand(appBuild, dbPath, 'bench-renames', {
		user: target.id,
		count: options.stormEvents,
		prefix: 'storm-'
	});
	app = await startApp();
	const readyAt = nowMs();
	const stormCpuBefore = cpuSeconds(app.pid);
	const storms = await everyLoader('waitStorm', { timeoutMs: 60_000 });
	const stormCpuAfter = cpuSeconds(app.pid);
	const stormStatus = await everyLoader('status');
	const doneAt = Math.max(...storms.map((s) => s.doneAt ?? readyAt));
	const complete = storms.every((s) => s.complete);
	results.storm = {
		clients: options.clients,
		events: options.stormEvents,
		complete,
		seconds: complete ? round((doneAt - readyAt) / 1000, 3) : null,
		outageSeconds: round((readyAt - stormStart) / 1000, 3),
		shutdownSeconds: round((stoppedAt - stormStart) / 1000, 3),
		totalSeconds: complete ? round((doneAt - stormStart) / 1000, 3) : null,
		missing: storms.reduce((sum, s) => sum + s.missing, 0),
		reconnected: storms.reduce((sum, s) => sum + s.connected, 0),
		failedAttempts: stormStatus.reduce((sum, s) => sum + s.failedAttempts, 0),
		closes: Object.assign({}, ...stormStatus.map((s) => s.closes)),
		notIncreasing: stormStatus.reduce((sum, s) => sum + s.notIncreasing, 0),
		serverCpuSeconds: round(stormCpuAfter - stormCpuBefore),
		backoff:
			"the browser client's: half to all of min(30 s, 0.5 s × 2^attempt), from the last event received"
	};
	log(
		`storm: every client back with all ${options.stormEvents} events ${results.storm.seconds} s after the restart (outage ${results.storm.outageSeconds} s), missing ${results.storm.missing}`
	);
	await everyLoader('closeAll');
	await stop(app);
	app = null;

	// -- 2. the floors: a bare `ws` server and Socket.IO 4 (without and with connection-state
	//       recovery), same clients, same payloads, same driver, each on a fresh process.
	const floors = {};
	const wanted = new Set(['ws', ...options.floors.split(',')]);
	for (const floor of [
		{ name: 'ws', script: 'baseline-server.js', protocol: 'ws', env: {} },
		{ name: 'socketio', script: 'socketio-server.js', protocol: 'socketio', env: {} },
		{
			name: 'socketioRecovery',
			script: 'socketio-server.js',
			protocol: 'socketio',
			env: { SOCKETIO_RECOVERY: '1' }
		}
	].filter((f) => wanted.has(f.name))) {
		const floorPort = await freePort();
		const floorProfile = options.profile
			? [
					'--cpu-prof',
					`--cpu-prof-dir=${options.profile}`,
					`--cpu-prof-name=${floor.name}.cpuprofile`
				]
			: [];
		const floorServer = await launch(
			floor.name,
			[...floorProfile, '--inspect=127.0.0.1:0', join(benchDir, floor.script)],
			{ ...process.env, ...floor.env, PORT: String(floorPort), HOST: '127.0.0.1' }
		);
		floorServer.base = `http://127.0.0.1:${floorPort}`;
		const fixed = await fixedCost('baseline', floorServer, target, null);
		const floorIdle = await settledMemory(floorServer);
		const floorUrl =
			floor.protocol === 'ws' ? `ws://127.0.0.1:${floorPort}/api/events` : floorServer.base;
		await connectClients(floorUrl, [], options.clients, 0, floor.protocol);
		const floorStreams = await settledMemory(floorServer);
		const run = await fanout(
			'baseline',
			floorServer,
			target,
			null,
			// A floor numbers its broadcasts itself: its last id is the last one it sent.
			async () => (await (await fetch(`${floorServer.base}/count`)).json()).lastId
		);
		run.fit = fitted(fixed, run);
		run.memory = {
			bytesPerIdleStream: round((floorStreams.rss - floorIdle.rss) / options.clients, 0),
			heapBytesPerIdleStream:
				floorIdle.heapUsed === null
					? null
					: round((floorStreams.heapUsed - floorIdle.heapUsed) / options.clients, 0)
		};
		floors[floor.name] = run;
		log(
			`${floor.name} fan-out: ${run.deliveriesPerSecond} deliveries/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, ` +
				`longest loop turn ${run.loopDelay.maxMs} ms; ${run.memory.bytesPerIdleStream} bytes per idle stream`
		);
		await everyLoader('closeAll');
		await stop(floorServer);
	}
	const floorRun = floors.ws;
	results.memory.baselineBytesPerIdleStream = floorRun.memory.bytesPerIdleStream;
	results.memory.baselineHeapBytesPerIdleStream = floorRun.memory.heapBytesPerIdleStream;

	results.fanout = {
		...ours,
		rate: options.rate,
		durationSeconds: options.duration,
		baselineDeliveriesPerSecond: floorRun.deliveriesPerSecond,
		baselineP50Ms: floorRun.p50Ms,
		baselineP95Ms: floorRun.p95Ms,
		baselineP99Ms: floorRun.p99Ms,
		baselineMaxMs: floorRun.maxMs,
		baselineMissing: floorRun.missing,
		baselineCpuSeconds: floorRun.serverCpuSeconds,
		baselineCpuMicrosPerDelivery: floorRun.serverCpuMicrosPerDelivery,
		baselinePeakRssBytes: floorRun.serverPeakRssBytes,
		ratioToBaseline: round(ours.deliveriesPerSecond / floorRun.deliveriesPerSecond, 3),
		p99RatioToBaseline: round(ours.p99Ms / floorRun.p99Ms, 2),
		baseline: floorRun,
		socketio: floors.socketio,
		socketioRecovery: floors.socketioRecovery
	};
} catch (error) {
	console.error(`\nbench failed: ${error.stack ?? error}`);
	if (app) console.error(`\nserver output:\n${app.log()}`);
	killChildren();
	rmSync(tmp, { recursive: true, force: true });
	process.exit(1);
}

for (const l of loaders) l.stop();
driver.stop();
rmSync(tmp, { recursive: true, force: true });

// ---------------------------------------------------------------- report

const f = results.fanout;
const atDefaults = options.clients >= 2000 && options.rate >= 50;
const sio = f.socketio;
const sior = f.socketioRecovery;
const targets = [
	{
		name: 'fan-out deliveries/s over the bare ws baseline',
		target: '>= 1.25',
		value: f.ratioToBaseline,
		met: f.ratioToBaseline >= 1.25
	},
	{ name: 'fan-out p99 latency', target: '< 250 ms', value: f.p99Ms, met: f.p99Ms < 250 },
	{
		name: 'longest event-loop turn during fan-out (stated at 4,000 clients × 20/s)',
		target: '<= 50 ms',
		value: f.loopDelay.maxMs,
		met: f.loopDelay.maxMs !== null && f.loopDelay.maxMs <= 50
	},
	{
		name: 'catch-up over the read-and-serialise floor',
		target: '>= 0.8',
		value: results.catchup.ratioToBaseline,
		met: results.catchup.ratioToBaseline >= 0.8
	},
	{
		name: 'RSS per idle stream over the bare ws baseline',
		target: '<= 1',
		value: round(results.memory.bytesPerIdleStream / results.memory.baselineBytesPerIdleStream),
		met: results.memory.bytesPerIdleStream <= results.memory.baselineBytesPerIdleStream
	},
	{
		name: 'reconnect storm',
		target: '< 10 s, nothing missing',
		value: `${results.storm.seconds} s, ${results.storm.missing} missing`,
		met: results.storm.complete && results.storm.seconds < 10 && results.storm.missing === 0
	}
];
results.targets = { atDefaultScale: atDefaults, list: targets };
results.totalSeconds = round((nowMs() - t0) / 1000, 1);

const fmt = (v) =>
	typeof v === 'number'
		? v.toLocaleString('en-US', { maximumFractionDigits: 2 })
		: String(v ?? '–');
const mib = (b) => (b === null || b === undefined ? '–' : `${(b / 2 ** 20).toFixed(1)} MiB`);
/** A row with every server's figure, each floor's beside its ratio of ours to it. */
const across = (section, label, pick, show = (v) => v) => {
	const ours = pick(f);
	return [
		section,
		label,
		show(ours),
		...[f.baseline, sio, sior].flatMap((run) => {
			if (!run) return ['(not run)', ''];
			const theirs = pick(run);
			const ratio =
				typeof ours === 'number' && typeof theirs === 'number' && theirs
					? round(ours / theirs)
					: '';
			return [show(theirs), ratio];
		})
	];
};
const rows = [
	across('fan-out', 'deliveries/s', (r) => r.deliveriesPerSecond),
	across('fan-out', 'latency p50 (ms)', (r) => r.p50Ms),
	across('fan-out', 'latency p95 (ms)', (r) => r.p95Ms),
	across('fan-out', 'latency p99 (ms)', (r) => r.p99Ms),
	across('fan-out', 'latency max (ms)', (r) => r.maxMs),
	across('fan-out', 'missing deliveries', (r) => r.missing),
	across('fan-out', 'server CPU (s)', (r) => r.serverCpuSeconds),
	across('fan-out', 'server CPU per delivery (µs)', (r) => r.serverCpuMicrosPerDelivery),
	across('fan-out', 'fitted: CPU per change (ms)', (r) => r.fit.fixedMsPerChange),
	across('fan-out', 'fitted: CPU per client (µs)', (r) => r.fit.perClientMicros),
	across('fan-out', 'longest loop turn (ms)', (r) => r.loopDelay.maxMs),
	across('fan-out', 'loop delay p99 (ms)', (r) => r.loopDelay.p99Ms),
	across('fan-out', 'longest GC pause (ms)', (r) => r.loopDelay.gcMaxMs),
	across('fan-out', 'server peak RSS', (r) => r.serverPeakRssBytes, mib),
	...[results.catchup, results.catchup.short].map((c) => [
		'catch-up',
		`events/s (${fmt(c.events)} events)`,
		c.eventsPerSecond,
		c.baselineEventsPerSecond,
		c.ratioToBaseline
	]),
	[
		'writes',
		`renames/s, ${options.writeConcurrency} concurrent`,
		results.writes.perSecond,
		`${fmt(results.writes.noopPerSecond)} (noop)`,
		results.writes.ratioToNoop
	],
	[
		'writes',
		'latency p50 / p99 (ms)',
		`${results.writes.p50Ms} / ${results.writes.p99Ms}`,
		`${results.writes.noopP50Ms} / ${results.writes.noopP99Ms}`,
		''
	],
	['memory', 'RSS, 0 streams', mib(results.memory.rssWithoutStreamsBytes)],
	['memory', `RSS, ${fmt(options.clients)} idle streams`, mib(results.memory.rssWithStreamsBytes)],
	[
		'memory',
		'RSS bytes per idle stream',
		results.memory.bytesPerIdleStream,
		...[f.baseline, sio, sior].flatMap((run) =>
			run
				? [
						run.memory.bytesPerIdleStream,
						round(results.memory.bytesPerIdleStream / run.memory.bytesPerIdleStream)
					]
				: ['(not run)', '']
		)
	],
	[
		'memory',
		'JS heap bytes per idle stream',
		results.memory.heapBytesPerIdleStream,
		...[f.baseline, sio, sior].flatMap((run) =>
			run
				? [
						run.memory.heapBytesPerIdleStream,
						round(results.memory.heapBytesPerIdleStream / run.memory.heapBytesPerIdleStream)
					]
				: ['(not run)', '']
		)
	],
	['storm', `seconds after restart (${fmt(options.stormEvents)} events)`, results.storm.seconds],
	['storm', 'outage (SIGTERM to listening) (s)', results.storm.outageSeconds],
	['storm', 'missing (client, event) pairs', results.storm.missing]
].map((r) => [...r, ...Array(9 - r.length).fill('')].map(fmt));
const header = [
	'',
	'measure',
	'tidewatch',
	'ws / floor',
	'ratio',
	'socket.io',
	'ratio',
	'+recovery',
	'ratio'
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
	cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');

console.log('');
console.log(
	`Tidewatch benchmark — ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`
);
console.log(
	`${options.clients} clients, ${options.rate} changes/s for ${options.duration} s, backlog ${fmt(options.backlog)}, ` +
		`${options.writeConcurrency} writers for ${options.writeSeconds} s, ${options.stormEvents} events during the outage; ` +
		`noop route: GET /api/last-event-id`
);
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
console.log(
	`targets${atDefaults ? '' : ' (stated for 2,000 clients at 50 changes/s; this run is smaller)'}:`
);
for (const t of targets)
	console.log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name} ${t.target}: ${fmt(t.value)}`);
console.log('');
console.log(
	`CPU during fan-out (s): tidewatch server ${f.cpu.serverSeconds}, clients ${f.cpu.clientProcessesSeconds.join(' + ')}, ` +
		`driver ${f.cpu.driverSeconds}, other processes ${f.cpu.otherSeconds}, of ${f.cpu.windowSeconds} s on ${machine.cores} cores; ` +
		[
			['ws baseline', f.baseline],
			['socket.io', sio],
			['socket.io with recovery', sior]
		]
			.filter(([, run]) => run)
			.map(
				([name, run]) =>
					`${name} server ${run.cpu.serverSeconds}, clients ${run.cpu.clientProcessesSeconds.join(' + ')}, other ${run.cpu.otherSeconds}`
			)
			.join('; ')
);
console.log(
	`driver connections opened before the clock: ${f.driverConnections.opened} (still open at the end: ${f.driverConnections.atEnd}); ` +
		`fitted: server CPU = per change × changes + per client × deliveries, from a run with no stream open and the fan-out run`
);
const foreign = Math.max(
	...[f, f.baseline, sio, sior]
		.filter((run) => run)
		.map((run) => run.cpu.otherSeconds / run.cpu.windowSeconds)
);
results.machineQuiet = foreign < 0.05;
if (!results.machineQuiet) {
	console.log(
		`warning: other processes used ${(foreign * 100).toFixed(0)}% of the machine during a fan-out run; ` +
			'the figures are not those of a quiet machine.'
	);
}
console.log('');

writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');
console.log(`wrote ${options.output} (${results.totalSeconds} s in all)`);

// ---------------------------------------------------------------- the crew scenario
// Its own script, server and database (bench/crew.js); BENCH_CREW=0 leaves it out.
if (process.env.BENCH_CREW !== '0') {
	const crew = spawnSync(
		process.execPath,
		[join(benchDir, 'crew.js'), ...(options.quick ? ['--quick'] : [])],
		{ stdio: 'inherit' }
	);
	if (crew.status !== 0) process.exit(crew.status ?? 1);
}

// ---------------------------------------------------------------- the schedule at scale
// Its own script, server and database (bench/schedule.js); BENCH_SCHEDULE=0 leaves it out.
if (process.env.BENCH_SCHEDULE !== '0') {
	const schedule = spawnSync(
		process.execPath,
		[join(benchDir, 'schedule.js'), ...(options.quick ? ['--quick'] : [])],
		{ stdio: 'inherit' }
	);
	process.exit(schedule.status ?? 1);
}
process.exit(0);
