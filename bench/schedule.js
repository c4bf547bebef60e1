// `node bench/schedule.js` (and the end of `npm run bench`): the schedule at scale (issue 12,
// point 8) against the built production server, in its own process with its own server and
// database, next to a bare floor measured in the same run on the same machine.
//
//   1. A gathering of 2,000 entries at 40 locations over four days (mostly public, some crew,
//      some drafts), built through the HTTP API as an admin.
//   2. Renders of `/`, for the public and for a logged-in regular user: median and p99 over
//      repeated requests (asking for no compression), HTML bytes and their gzip size (level 6 is
//      what the app sends a browser that takes gzip), against the floor: the same bytes answered as a static page by a bare
//      `node:http` server (bench/schedule-floor.js), to the same client, rounds interleaved.
//   3. Fan-out of entry edits (PATCH /api/entries/[id] of public entries, at a fixed rate) to
//      2,000 public streams opened before the edits start: deliveries/s and latency, against
//      the floor's bare `ws` broadcast of the same payload at the same rate to as many streams.
//
// Options (each --name value or --name=value): --entries 2000, --locations 40, --renders 100
// (timed renders per page and viewer), --clients 2000 (public streams), --rate 20 (edits per
// second), --duration 10 (seconds of edits), --output bench/schedule-results.json, --profile <dir>
// (writes the app server's V8 CPU profile there, for bench/profile-summary.js); --quick
// (500 entries at 10 locations, 200 streams, 3 s of edits, 15 renders: about 10 s, for CI).
//
// SCHEDULE_BENCH_DUMP=<dir> keeps the two pages and a copy of the database there, to look at
// `/` in a browser afterwards (DATABASE_PATH=<dir>/tidewatch.db npm start).
//
// It builds nothing: it runs a copy of build/ as it is. Exit 1 when a delivery is missing or a
// request fails.
import { fork, spawn, spawnSync } from 'node:child_process';
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
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import {
	cpuSeconds,
	httpClient,
	machineCpu,
	memory,
	nowMs,
	parseOptions,
	round,
	sleep,
	summarise
} from './lib.js';
import { buildGathering } from './gathering.js';

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'bench');
const defaults = {
	entries: 2000,
	locations: 40,
	renders: 100,
	clients: 2000,
	rate: 20,
	duration: 10,
	output: join(benchDir, 'schedule-results.json'),
	profile: null
};
const quick = { entries: 500, locations: 10, clients: 200, duration: 3, renders: 15 };

let options;
try {
	options = parseOptions(process.argv.slice(2), defaults, quick, {
		paths: ['output', 'profile'],
		fractions: ['rate']
	});
} catch (error) {
	console.error(`bench/schedule: ${error.message}`);
	process.exit(2);
}
if (!existsSync(join(root, 'build', 'index.js'))) {
	console.error('bench/schedule: build/ is missing. Run `npm run build` first.');
	process.exit(1);
}

const t0 = nowMs();
const log = (...args) => console.log(`[schedule ${((nowMs() - t0) / 1000).toFixed(1)} s]`, ...args);

// ---------------------------------------------------------------- processes

// Each stream is a descriptor in the client process and one in the server.
const filesNeeded = options.clients + 1024;
const limits = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
	.stdout.trim()
	.split('\n')
	.map((v) => (v === 'unlimited' ? Infinity : Number(v)));
const raiseFilesTo = limits[0] < filesNeeded && limits[1] >= filesNeeded ? filesNeeded : null;
if (limits[0] < filesNeeded && !raiseFilesTo) {
	console.warn(
		`bench/schedule: warning: ${options.clients} streams need about ${filesNeeded} open files; ` +
			`the hard limit (ulimit -Hn) is ${limits[1]}`
	);
}
/** `node …args`, through `sh -c 'ulimit -n N; exec node …'` when the limit must rise. */
const nodeCommand = (args) =>
	raiseFilesTo
		? ['sh', ['-c', `ulimit -n ${raiseFilesTo} && exec "$0" "$@"`, process.execPath, ...args]]
		: [process.execPath, args];

const children = new Set();
const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-schedule-'));
const cleanUp = () => {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
	rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', cleanUp);
process.once('SIGINT', () => process.exit(130));

function freePort() {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.once('error', fail);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});
}

/** Starts a server process and waits for its "Listening on" line. */
async function launch(name, args, env, cwd) {
	const [command, argv] = nodeCommand(args);
	const child = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	let out = '';
	await new Promise((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`${name} did not start:\n${out}`)), 30_000);
		child.stdout.on('data', (chunk) => {
			out += chunk;
			if (out.includes('Listening on')) {
				clearTimeout(timer);
				ready();
			}
		});
		child.stderr.on('data', (chunk) => (out += chunk));
		child.once('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`${name} exited with ${code}:\n${out}`));
		});
	});
	return child;
}

// The server runs from a copy of build/ taken now, so a rebuild while the benchmark runs cannot
// swap the code under test.
const appDir = join(tmp, 'app');
cpSync(join(root, 'build'), join(appDir, 'build'), { recursive: true });
for (const file of ['server.js', 'package.json'])
	copyFileSync(join(root, file), join(appDir, file));
symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'dir');
if (!existsSync(join(appDir, 'build', 'index.js'))) {
	console.error('bench/schedule: build/ changed while it was being copied; build, then try again.');
	process.exit(1);
}

const dbPath = join(tmp, 'tidewatch.db');
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
if (options.profile) mkdirSync(options.profile, { recursive: true });
const app = await launch(
	'tidewatch',
	// Node 20 takes --cpu-prof on the command line only; the profile is written at exit.
	[...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : []), 'server.js'],
	{
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: base,
		DATABASE_PATH: dbPath,
		// Every stream comes from 127.0.0.1, far more than one visitor may open.
		STREAM_MAX_PER_ADDRESS: String(options.clients + 100),
		// The visitor marks its entries in one go, faster than a person.
		RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
		RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000',
		STREAM_MAX_PER_INSTANCE: String(options.clients + 100)
	},
	appDir
);

// Kept-alive connections from this process: the renders go one at a time over one of them,
// the edits over as many as are in flight.
const http = httpClient(base, 64);
const { call, must } = http;

// ---------------------------------------------------------------- the gathering

const { admin, visitor, locations, entries, publicEntries, counts } = await buildGathering({
	must,
	entries: options.entries,
	locations: options.locations,
	log
});

// ---------------------------------------------------------------- 1. renders of `/`

const viewers = [
	['public', undefined],
	['visitor', visitor]
];
const pagesDir = join(tmp, 'pages');
mkdirSync(pagesDir);
const pages = {};
for (const [who, cookie] of viewers) {
	// Three warm-ups, so the first renders' compilation does not count; the last one is the
	// page the floor answers.
	let answer;
	for (let i = 0; i < 3; i++) answer = await must('GET', '/', { cookie, accept: 'text/html' });
	if (answer.headers['content-encoding'])
		throw new Error(`/ came ${answer.headers['content-encoding']}: the floor would be unfair`);
	const html = Buffer.from(answer.text);
	writeFileSync(join(pagesDir, `${who}.html`), html);
	if (process.env.SCHEDULE_BENCH_DUMP)
		writeFileSync(join(process.env.SCHEDULE_BENCH_DUMP, `${who}.html`), html);
	pages[who] = html;
}
const floorPort = await freePort();
const floorBase = `http://127.0.0.1:${floorPort}`;
const floor = await launch(
	'floor',
	[join(benchDir, 'schedule-floor.js')],
	{ ...process.env, PORT: String(floorPort), HOST: '127.0.0.1', FLOOR_PAGES: pagesDir },
	root
);

log(`timing ${options.renders} renders of / per viewer, each next to the floor's static page`);
const times = Object.fromEntries(viewers.map(([who]) => [who, { app: [], floor: [] }]));
const byteCounts = Object.fromEntries(viewers.map(([who]) => [who, new Set()]));
const renderCpuBefore = [app.pid, floor.pid].map(cpuSeconds);
const renderMainBefore = process.cpuUsage();
const renderMachineBefore = machineCpu();
for (let r = 0; r < options.renders; r++) {
	for (const [who, cookie] of viewers) {
		const ours = await must('GET', '/', { cookie, accept: 'text/html' });
		times[who].app.push(ours.ms);
		byteCounts[who].add(Buffer.byteLength(ours.text));
		const bare = await call('GET', `${floorBase}/page/${who}`, { cookie, accept: 'text/html' });
		if (bare.status !== 200 || Buffer.byteLength(bare.text) !== pages[who].length)
			throw new Error(`floor /page/${who}: ${bare.status}`);
		times[who].floor.push(bare.ms);
	}
}
// Where the machine's CPU went while the renders were timed.
const renderCpu = (() => {
	const [appCpu, floorCpu] = [app.pid, floor.pid].map(
		(pid, i) => cpuSeconds(pid) - renderCpuBefore[i]
	);
	const main = process.cpuUsage(renderMainBefore);
	const mainCpu = (main.user + main.system) / 1e6;
	const machine = machineCpu();
	const busy = machine.busy - renderMachineBefore.busy;
	return {
		windowSeconds: round(machine.total - renderMachineBefore.total, 2),
		machineBusySeconds: round(busy, 2),
		serverSeconds: round(appCpu, 2),
		floorSeconds: round(floorCpu, 2),
		benchScriptSeconds: round(mainCpu, 2),
		otherSeconds: round(busy - appCpu - floorCpu - mainCpu, 2),
		// Both viewers' renders together: what one page costs the server's one thread.
		serverMsPerRender: round((appCpu * 1000) / (options.renders * viewers.length), 1)
	};
})();

/** What the page is made of: the entries it lists, its days, and the data it carries. */
function anatomy(html) {
	const text = html.toString();
	const data = text.match(/<script[^>]*>\s*\{\s*__sveltekit_[\s\S]*?<\/script>/)?.[0] ?? '';
	const count = (needle) => text.split(needle).length - 1;
	return {
		listedEntries: count('data-testid="entry"'),
		markButtons: count('name="entryId"'),
		days: count('data-testid="day"'),
		onNow:
			text.match(/data-testid="now"[\s\S]*?id="next-heading"/)?.[0].split('data-testid="entry"')
				.length - 1,
		inlineDataBytes: Buffer.byteLength(data)
	};
}
const renders = Object.fromEntries(
	viewers.map(([who]) => {
		const sorted = (list) => Float64Array.from(list).sort();
		const app = summarise(times[who].app);
		const bare = summarise(times[who].floor);
		const median = (list) => round(sorted(list)[Math.floor((list.length - 1) / 2)]);
		return [
			who,
			{
				renders: options.renders,
				medianMs: median(times[who].app),
				p99Ms: app.p99Ms,
				maxMs: app.maxMs,
				floorMedianMs: median(times[who].floor),
				floorP99Ms: bare.p99Ms,
				floorMaxMs: bare.maxMs,
				bytes: pages[who].length,
				bytesSeen: [...byteCounts[who]],
				// Level 6, zlib's default, is what the app's own compression sends; level 1 is what
				// Debian's nginx.conf (`gzip on`) would use for a proxy compressing on its own.
				gzipLevel1Bytes: gzipSync(pages[who], { level: 1 }).length,
				gzipLevel6Bytes: gzipSync(pages[who], { level: 6 }).length,
				...anatomy(pages[who])
			}
		];
	})
);

// ---------------------------------------------------------------- 2. fan-out of entry edits

const clientsProcess = (() => {
	const [command, argv] = nodeCommand([join(benchDir, 'schedule-clients.js')]);
	const child =
		command === process.execPath
			? fork(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
			: spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	children.add(child);
	let next = 0;
	const pending = new Map();
	child.on('message', ({ id, result, error }) => {
		const waiter = pending.get(id);
		pending.delete(id);
		if (error) waiter?.fail(new Error(`clients: ${error}`));
		else waiter?.done(result);
	});
	return {
		child,
		call: (cmd, args) =>
			new Promise((done, fail) => {
				const id = next++;
				pending.set(id, { done, fail });
				child.send({ id, cmd, args });
			})
	};
})();

/** The ApiEvent a public viewer receives for an entry with this title. */
const publicEvent = (entry, title) => ({
	type: 'entry-update',
	data: {
		id: entry.id,
		title,
		description: entry.description,
		locationId: entry.locationId,
		start: entry.start,
		end: entry.end,
		visibility: entry.visibility
	}
});

// Both clocks are the system's: CLOCK_REALTIME (Date.now, the event's created_at) and
// CLOCK_MONOTONIC (nowMs). Date.now() rounds down, so the largest difference seen is the true one.
let wallMinusMonotonic = -Infinity;
for (let i = 0; i < 1000; i++)
	wallMinusMonotonic = Math.max(wallMinusMonotonic, Date.now() - nowMs());

/**
 * One run: `clients` streams at `url`; the edits go out open loop, edit `seq` at
 * t0 + seq / rate whatever happened to the earlier ones. Each edit retitles another public
 * entry; the title carries the marker by which each client finds it.
 */
async function fanout(kind, server) {
	const n = Math.max(1, Math.round(options.rate * options.duration));
	const marker = '#edit-';
	const head = kind === 'tidewatch' ? (await must('GET', '/api/last-event-id')).json.id : 0;
	const wsUrl = `ws://127.0.0.1:${kind === 'tidewatch' ? port : floorPort}/api/events`;
	const connected = await clientsProcess.call('connect', {
		url: wsUrl,
		origin: base,
		count: options.clients,
		lastEventId: head
	});
	await clientsProcess.call('record', { n, marker });
	http.renew();
	// One request before the clock starts, so a connection is open.
	await call('GET', kind === 'tidewatch' ? `${base}/api/last-event-id` : `${floorBase}/stamps`);
	await call('GET', `${floorBase}/stamps`); // forget any earlier broadcasts

	const pids = [server.pid, clientsProcess.child.pid];
	const cpuBefore = pids.map(cpuSeconds);
	const mainBefore = process.cpuUsage();
	const machineBefore = machineCpu();
	let peakRss = 0;
	const rssTimer = setInterval(
		() => (peakRss = Math.max(peakRss, memory(server.pid).rss ?? 0)),
		100
	);

	const starts = new Array(n);
	const statuses = {};
	const responses = [];
	const pending = [];
	let maxLagMs = 0;
	const begin = nowMs() + 20;
	for (let seq = 0; seq < n; seq++) {
		const due = begin + (seq * 1000) / options.rate;
		const wait = due - nowMs();
		if (wait > 1) await sleep(wait);
		const entry = publicEntries[seq % publicEntries.length];
		const title = `${entry.title} ${marker}${seq}`;
		const started = nowMs();
		maxLagMs = Math.max(maxLagMs, started - due);
		starts[seq] = started;
		const sent =
			kind === 'tidewatch'
				? call('PATCH', `${base}/api/entries/${entry.id}`, { cookie: admin, body: { title } })
				: call('POST', `${floorBase}/broadcast`, { body: publicEvent(entry, title) });
		pending.push(
			sent.then(
				(answer) => {
					statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
					responses.push(answer.ms);
				},
				(error) => (statuses[error.code ?? 'error'] = (statuses[error.code ?? 'error'] ?? 0) + 1)
			)
		);
	}
	await Promise.all(pending);
	const okStatus = kind === 'tidewatch' ? 200 : 204;
	const accepted = statuses[okStatus] ?? 0;
	const last = kind === 'tidewatch' ? (await must('GET', '/api/last-event-id')).json.id : accepted;
	const drained = await clientsProcess.call('waitAtLeast', { id: last, timeoutMs: 60_000 });
	clearInterval(rssTimer);
	const cpuAfter = pids.map(cpuSeconds);
	const main = process.cpuUsage(mainBefore);
	const machineAfter = machineCpu();
	const file = join(tmp, `arrivals-${kind}.bin`);
	const recorded = await clientsProcess.call('stopRecord', { file });
	await clientsProcess.call('closeAll');

	// When each edit was committed: the event's created_at (whole milliseconds, taken as its
	// write transaction begins) for the app; the floor's own note as it had the body.
	const committed = new Float64Array(n).fill(NaN);
	if (kind === 'tidewatch') {
		const db = new Database(dbPath, { readonly: true });
		const createdAt = db.prepare('SELECT created_at FROM event WHERE id = ?').pluck();
		recorded.ids.forEach((id, seq) => {
			if (id) committed[seq] = createdAt.get(id) - wallMinusMonotonic;
		});
		db.close();
	} else {
		const stamps = new Map((await call('GET', `${floorBase}/stamps`)).json);
		recorded.ids.forEach((id, seq) => {
			if (id) committed[seq] = stamps.get(id);
		});
	}

	const bytes = readFileSync(file);
	const arrivals = new Float64Array(Uint8Array.from(bytes).buffer);
	const fromRequest = [];
	const fromCommit = [];
	let delivered = 0;
	let lastArrival = -Infinity;
	for (let k = 0; k < arrivals.length; k++) {
		const at = arrivals[k];
		if (Number.isNaN(at)) continue;
		delivered++;
		const seq = k % n;
		fromRequest.push(at - starts[seq]);
		if (!Number.isNaN(committed[seq])) fromCommit.push(at - committed[seq]);
		lastArrival = Math.max(lastArrival, at);
	}
	const window = (lastArrival - starts[0]) / 1000;
	const serverCpu = cpuAfter[0] - cpuBefore[0];
	const clientsCpu = cpuAfter[1] - cpuBefore[1];
	const mainCpu = (main.user + main.system) / 1e6;
	const frames = recorded.frameBytes.filter(Boolean);
	return {
		clients: recorded.clients,
		connectSeconds: round(connected.seconds, 3),
		edits: n,
		accepted,
		httpStatuses: statuses,
		httpResponse: summarise(responses),
		driverMaxLagMs: round(maxLagMs),
		frameBytes: round(frames.reduce((a, b) => a + b, 0) / frames.length, 0),
		deliveries: delivered,
		expectedDeliveries: recorded.clients * accepted,
		missing: Math.max(0, recorded.clients * accepted - delivered),
		drained: drained.ok,
		streamsClosedDuringRun: recorded.closes,
		windowSeconds: round(window, 3),
		deliveriesPerSecond: round(delivered / window, 0),
		fromRequest: summarise(fromRequest),
		fromCommit: summarise(fromCommit),
		serverCpuSeconds: round(serverCpu),
		serverCpuMicrosPerDelivery: round((serverCpu / delivered) * 1e6, 2),
		serverPeakRssBytes: peakRss,
		cpu: {
			windowSeconds: round(machineAfter.total - machineBefore.total, 2),
			machineBusySeconds: round(machineAfter.busy - machineBefore.busy, 2),
			serverSeconds: round(serverCpu, 2),
			clientsSeconds: round(clientsCpu, 2),
			benchScriptSeconds: round(mainCpu, 2),
			otherSeconds: round(
				machineAfter.busy - machineBefore.busy - serverCpu - clientsCpu - mainCpu,
				2
			)
		}
	};
}

log(
	`fan-out: ${options.clients} public streams, ${options.rate} entry edits/s for ${options.duration} s`
);
const ours = await fanout('tidewatch', app);
log(
	`fan-out: ${ours.deliveriesPerSecond} deliveries/s, p50 ${ours.fromCommit.p50Ms} ms, p99 ${ours.fromCommit.p99Ms} ms from commit`
);
const bare = await fanout('floor', floor);
log(
	`floor: ${bare.deliveriesPerSecond} deliveries/s, p50 ${bare.fromCommit.p50Ms} ms, p99 ${bare.fromCommit.p99Ms} ms from its broadcast`
);
clientsProcess.child.disconnect();
http.close();
if (process.env.SCHEDULE_BENCH_DUMP) {
	// The gathering, for a look at `/` in a browser: DATABASE_PATH=<that file> npm start.
	const db = new Database(dbPath, { readonly: true });
	db.prepare('VACUUM INTO ?').run(join(process.env.SCHEDULE_BENCH_DUMP, 'tidewatch.db'));
	db.close();
}
// SIGTERM, so the servers shut down as in production (and a CPU profile gets written).
await Promise.all(
	[app, floor].map(
		(child) =>
			new Promise((done) => {
				if (child.exitCode !== null) return done();
				const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
				child.once('exit', () => done(clearTimeout(timer)));
				child.kill('SIGTERM');
			})
	)
);

// ---------------------------------------------------------------- report

const results = {
	date: new Date().toISOString(),
	command: `node bench/schedule.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
	machine: {
		cores: os.availableParallelism(),
		cpu: os.cpus()[0]?.model ?? 'unknown',
		memoryGiB: round(os.totalmem() / 2 ** 30, 1),
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		loadAverageAtEnd: os.loadavg().map((v) => round(v))
	},
	options,
	gathering: {
		entries: entries.length,
		...counts,
		locations: locations.length,
		days: 4,
		visitorMarks: 30,
		timeZone: 'Europe/Berlin'
	},
	renders,
	renderCpu,
	fanout: {
		tidewatch: ours,
		floor: bare,
		ratioDeliveriesPerSecond: round(ours.deliveriesPerSecond / bare.deliveriesPerSecond, 3),
		floorIs:
			'bench/schedule-floor.js: node:http + ws (the app settings), POST /broadcast wraps the public ApiEvent of the same edit and sends one buffer to every socket'
	},
	resentRequests: http.resent,
	totalSeconds: round((nowMs() - t0) / 1000, 1)
};

const fmt = (v) =>
	typeof v === 'number'
		? v.toLocaleString('en-US', { maximumFractionDigits: 2 })
		: String(v ?? '–');
const kb = (bytes) => `${fmt(round(bytes / 1024, 0))} KiB`;
const rows = [];
for (const [who, r] of Object.entries(renders)) {
	const label = `/ (${who})`;
	rows.push(
		[
			label,
			'render median (ms)',
			r.medianMs,
			r.floorMedianMs,
			round(r.medianMs / r.floorMedianMs, 1)
		],
		[label, 'render p99 (ms)', r.p99Ms, r.floorP99Ms, round(r.p99Ms / r.floorP99Ms, 1)],
		[
			label,
			'HTML / gzip -1 / gzip -6',
			`${kb(r.bytes)} / ${kb(r.gzipLevel1Bytes)} / ${kb(r.gzipLevel6Bytes)}`,
			'same bytes',
			''
		],
		[label, 'entries listed / inline data', `${r.listedEntries} / ${kb(r.inlineDataBytes)}`, '', '']
	);
}
const f = results.fanout;
rows.push(
	[
		'fan-out',
		'deliveries/s',
		ours.deliveriesPerSecond,
		bare.deliveriesPerSecond,
		f.ratioDeliveriesPerSecond
	],
	[
		'fan-out',
		'p50 from commit (ms)',
		ours.fromCommit.p50Ms,
		bare.fromCommit.p50Ms,
		round(ours.fromCommit.p50Ms / bare.fromCommit.p50Ms)
	],
	[
		'fan-out',
		'p99 from commit (ms)',
		ours.fromCommit.p99Ms,
		bare.fromCommit.p99Ms,
		round(ours.fromCommit.p99Ms / bare.fromCommit.p99Ms)
	],
	[
		'fan-out',
		'p50 / p99 from request (ms)',
		`${ours.fromRequest.p50Ms} / ${ours.fromRequest.p99Ms}`,
		`${bare.fromRequest.p50Ms} / ${bare.fromRequest.p99Ms}`,
		''
	],
	['fan-out', 'missing deliveries', ours.missing, bare.missing, ''],
	['fan-out', 'frame bytes', ours.frameBytes, bare.frameBytes, ''],
	[
		'fan-out',
		'server CPU per delivery (µs)',
		ours.serverCpuMicrosPerDelivery,
		bare.serverCpuMicrosPerDelivery,
		round(ours.serverCpuMicrosPerDelivery / bare.serverCpuMicrosPerDelivery)
	]
);
const table = rows.map((r) => r.map(fmt));
const header = ['', 'measure', 'tidewatch', 'floor', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) =>
	cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');

console.log('');
console.log(
	`schedule at scale: ${entries.length} entries (${counts.public} public, ${counts.crew} crew, ${counts.draft} drafts), ` +
		`${locations.length} locations, 4 days; ${options.renders} renders per viewer; ` +
		`${options.clients} public streams, ${options.rate} edits/s for ${options.duration} s`
);
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
console.log('');
console.log(
	`CPU during fan-out (s): tidewatch server ${ours.cpu.serverSeconds}, clients ${ours.cpu.clientsSeconds}, ` +
		`this script ${ours.cpu.benchScriptSeconds}, other processes ${ours.cpu.otherSeconds}, of ${ours.cpu.windowSeconds} on ${results.machine.cores} cores; ` +
		`floor server ${bare.cpu.serverSeconds}, clients ${bare.cpu.clientsSeconds}, other ${bare.cpu.otherSeconds}`
);
console.log(
	`CPU while rendering (s): tidewatch server ${renderCpu.serverSeconds} (${renderCpu.serverMsPerRender} ms a page), floor ${renderCpu.floorSeconds}, ` +
		`this script ${renderCpu.benchScriptSeconds}, other processes ${renderCpu.otherSeconds}, of ${renderCpu.windowSeconds}`
);
// Like run.js: figures taken while other work shared the machine are not a quiet machine's.
const foreign = Math.max(
	...[renderCpu, ours.cpu, bare.cpu].map((cpu) => cpu.otherSeconds / cpu.windowSeconds)
);
results.machineQuiet = foreign < 0.05;
if (!results.machineQuiet)
	console.log(
		`warning: other processes used up to ${(foreign * 100).toFixed(0)}% of the machine during a timed phase; ` +
			'the figures are not those of a quiet machine.'
	);
const failures = [];
for (const [kind, run] of [
	['tidewatch', ours],
	['floor', bare]
]) {
	if (run.missing > 0) failures.push(`${kind}: ${run.missing} deliveries missing`);
	if (run.accepted !== run.edits)
		failures.push(`${kind}: statuses ${JSON.stringify(run.httpStatuses)}`);
}
for (const failure of failures) console.log(`FAILED  ${failure}`);
writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');
console.log(`wrote ${options.output} (${results.totalSeconds} s in all)`);
process.exit(failures.length ? 1 : 0);
