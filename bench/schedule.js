// `node bench/schedule.js` (and the end of `npm run bench`): the schedule at scale (issues 12 and
// 20) against the built production server, in its own process with its own server and
// database, next to a bare floor measured in the same run on the same machine.
//
//   1. A gathering of 2,000 entries at 40 locations over four days (mostly public, some crew,
//      some drafts), built through the HTTP API as an admin; a visitor with 30 marks, and 100
//      regular users (the logged-in crowd) with 3 marks each.
//   2. Renders of `/`, for the public and for a logged-in regular user: median and p99 over
//      repeated requests (asking for no compression), HTML bytes and their gzip size (level 6 is
//      what the app sends a browser that takes gzip), against the floor: the same bytes answered
//      as a static page by a bare `node:http` server (bench/schedule-floor.js), to the same
//      client, rounds interleaved.
//   3. Crowds (bench/schedule-crowd.js, a process of its own): 100 clients, each on its own
//      kept-alive connection with `accept-encoding: gzip`, closed loop, 2,000 GETs of `/` in all:
//      anonymous, then 100 different logged-in users (each keeps its cookies from Set-Cookie).
//      Pages a second, p50, p99 and server CPU per page, against the floor answering the first
//      view's gzip bytes exactly as the app sent them (no compression of its own), back to back.
//      Sizes of that first view.
//   4. Fan-out of entry edits (PATCH /api/entries/[id] of public entries, at a fixed rate) to
//      2,000 public streams opened before the edits start: deliveries/s and latency, against
//      the floor's bare `ws` broadcast of the same payload at the same rate to as many streams;
//      then the same edits again while an anonymous crowd asks for `/` throughout.
// Issue 20's targets are printed beside the figures; the run does not fail on them.
//
// Options (each --name value or --name=value): --entries 2000, --locations 40, --renders 100
// (timed renders per page and viewer), --clients 2000 (public streams), --rate 20 (edits per
// second), --duration 10 (seconds of edits), --crowd 100 (clients of each crowd, and logged-in
// users), --crowd-requests 2000 (GETs per crowd), --output bench/schedule-results.json,
// --profile <dir> (writes the app server's V8 CPU profile there, for bench/profile-summary.js);
// --quick (500 entries at 10 locations, 200 streams, 3 s of edits, 15 renders, crowds of 20
// clients and 200 GETs: well under a minute, for CI).
//
// SCHEDULE_BENCH_DUMP=<dir> keeps the two pages and a copy of the database there, to look at
// `/` in a browser afterwards (DATABASE_PATH=<dir>/tidewatch.db npm start).
//
// It builds nothing: it runs a copy of build/ as it is. Exit 1 when a delivery is missing, a
// request fails or a crowd's answer is not 200.
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
import os from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
	appCommand,
	cpuSeconds,
	freePort,
	httpClient,
	machineCpu,
	pool,
	memory,
	nowMs,
	parseOptions,
	round,
	sleep,
	summarise
} from './lib.js';
import { buildGathering, password } from './gathering.js';

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'bench');
const defaults = {
	entries: 2000,
	locations: 40,
	renders: 100,
	clients: 2000,
	rate: 20,
	duration: 10,
	crowd: 100,
	crowdRequests: 2000,
	output: join(benchDir, 'schedule-results.json'),
	profile: null
};
const quick = {
	entries: 500,
	locations: 10,
	clients: 200,
	duration: 3,
	renders: 15,
	crowd: 20,
	crowdRequests: 200
};

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
// BUILD_DIR names the build as it does for server.js.
const buildDir = resolve(root, process.env.BUILD_DIR || 'build');
if (!existsSync(join(buildDir, 'index.js')) || !existsSync(join(buildDir, 'commands.js'))) {
	console.error(`bench/schedule: ${buildDir} is missing. Run \`npm run build\` first.`);
	process.exit(1);
}

const t0 = nowMs();
const log = (...args) => console.log(`[schedule ${((nowMs() - t0) / 1000).toFixed(1)} s]`, ...args);

// ---------------------------------------------------------------- processes

// Each stream and each crowd connection is a descriptor in a client process and one in the server.
const filesNeeded = options.clients + options.crowd + 1024;
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

/** A helper process of bench/ that answers commands over IPC (serve() in lib.js). */
function forkChild(script) {
	const [command, argv] = nodeCommand([join(benchDir, script)]);
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
		if (error) waiter?.fail(new Error(`${script}: ${error}`));
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
}

/** Where the machine's CPU goes from now until the returned function is called. */
function cpuWindow(pids) {
	const before = Object.fromEntries(
		Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])
	);
	const mainBefore = process.cpuUsage();
	const machineBefore = machineCpu();
	return () => {
		const machine = machineCpu();
		const main = process.cpuUsage(mainBefore);
		const busy = machine.busy - machineBefore.busy;
		const spent = Object.fromEntries(
			Object.entries(pids).map(([name, pid]) => [`${name}Seconds`, cpuSeconds(pid) - before[name]])
		);
		const mainCpu = (main.user + main.system) / 1e6;
		const ours = Object.values(spent).reduce((a, b) => a + b, 0) + mainCpu;
		return {
			windowSeconds: round(machine.total - machineBefore.total, 2),
			machineBusySeconds: round(busy, 2),
			...Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, round(v, 2)])),
			benchScriptSeconds: round(mainCpu, 2),
			otherSeconds: round(busy - ours, 2)
		};
	};
}

// The server runs from a copy of build/ taken now, so a rebuild while the benchmark runs cannot
// swap the code under test.
const appDir = join(tmp, 'app');
const appBuild = join(appDir, 'build');
cpSync(buildDir, appBuild, { recursive: true });
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
		BUILD_DIR: join(appDir, 'build'),
		// Every stream comes from 127.0.0.1, far more than one visitor may open.
		STREAM_MAX_PER_ADDRESS: String(options.clients + 100),
		// The logged-in crowd registers from one address, far more than one hall would.
		RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: String(options.crowd + 100),
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

// The logged-in crowd: as many regular users as crowd clients, each with a session of its own
// (registering logs in) and three marks.
log(`registering ${options.crowd} users for the logged-in crowd`);
const crowdNames = Array.from({ length: options.crowd }, (_, i) => `Crowd user ${i + 1}`);
const crowdCookies = await pool(
	crowdNames.map((name, i) => async () => {
		const { cookie } = await must('POST', '/api/auth/register', { body: { name, password } }, 201);
		for (let k = 0; k < 3; k++) {
			const entry = publicEntries[(i * 7 + k * 101) % publicEntries.length];
			await must('PUT', `/api/auth/account/interests/${entry.id}`, { cookie });
		}
		return cookie;
	}),
	8
);

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
// The first view of `/` as a phone gets it (`accept-encoding: gzip`), for the public and for
// the first crowd user: its bytes exactly as the app sent them are what the floor answers the
// crowds with, without compressing them again.
const firstViews = {};
for (const [who, i] of [
	['crowd-public', null],
	['crowd-user', 0]
]) {
	const cookie = i === null ? undefined : crowdCookies[i];
	const answer = await must('GET', '/', { cookie, accept: 'text/html', encoding: 'gzip' });
	if (answer.cookie && i !== null) crowdCookies[i] = answer.cookie;
	const encoding = answer.headers['content-encoding'] ?? null;
	if (encoding !== null && encoding !== 'gzip') throw new Error(`/ came ${encoding}`);
	writeFileSync(join(pagesDir, `${who}.html${encoding ? '.gz' : ''}`), answer.bytes);
	firstViews[who] = {
		encoding,
		sentBytes: answer.bytes.length,
		htmlBytes: encoding ? gunzipSync(answer.bytes).length : answer.bytes.length
	};
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

// ---------------------------------------------------------------- 2. crowds asking for `/`

const crowdProcess = forkChild('schedule-crowd.js');

/**
 * One crowd: `options.crowd` clients, each on its own kept-alive connection (opened by one
 * cheap request before the clock starts), closed loop, `options.crowdRequests` GETs of `url`.
 */
async function crowd(server, url, warmUrl, cookies, names) {
	const warm = await crowdProcess.call('open', { count: options.crowd, cookies, warmUrl });
	const cpu = cpuWindow({ server: server.pid, crowd: crowdProcess.child.pid });
	await crowdProcess.call('start', { url, requests: options.crowdRequests, names });
	const result = await crowdProcess.call('finish');
	const spent = cpu();
	await crowdProcess.call('close');
	return {
		...result,
		warmUpStatuses: warm.statuses,
		// What a page costs the server, on all its threads: the figure other work on the machine
		// disturbs least (pages a second fall with the share of the machine the server gets).
		serverCpuMsPerPage: round((spent.serverSeconds * 1000) / result.answered, 2),
		cpu: spent
	};
}

/** The app's crowd, then the floor's, back to back: the same client, concurrency and count. */
async function crowdPair(who, cookies, names) {
	const tidewatch = await crowd(app, `${base}/`, `${base}/api/last-event-id`, cookies, names);
	log(
		`crowd (${who}): ${tidewatch.pagesPerSecond} pages/s, p50 ${tidewatch.latency.p50Ms} ms, p99 ${tidewatch.latency.p99Ms} ms`
	);
	const page = `${floorBase}/page/crowd-${who}`;
	const bare = await crowd(floor, page, page, cookies);
	log(
		`floor (${who}): ${bare.pagesPerSecond} pages/s, p50 ${bare.latency.p50Ms} ms, p99 ${bare.latency.p99Ms} ms`
	);
	return {
		tidewatch,
		floor: bare,
		ratioPagesPerSecond: round(tidewatch.pagesPerSecond / bare.pagesPerSecond, 3),
		ratioP50: round(tidewatch.latency.p50Ms / bare.latency.p50Ms, 2),
		ratioP99: round(tidewatch.latency.p99Ms / bare.latency.p99Ms, 2),
		ratioServerCpuPerPage: round(tidewatch.serverCpuMsPerPage / bare.serverCpuMsPerPage, 1),
		firstView: firstViews[`crowd-${who}`]
	};
}

log(
	`crowds: ${options.crowd} clients, ${options.crowdRequests} requests of / (gzip), then the floor's`
);
// One unmeasured round of the floor first: the crowd process and the floor's gzip path compile.
await crowd(floor, `${floorBase}/page/crowd-public`, `${floorBase}/page/crowd-public`);
const crowds = {
	public: await crowdPair('public'),
	user: await crowdPair('user', crowdCookies, crowdNames)
};

// ---------------------------------------------------------------- 3. fan-out of entry edits

const clientsProcess = forkChild('schedule-clients.js');

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
 * entry; the title carries the marker by which each client finds it. `during` (a crowd) is
 * started once the streams are open, before the first edit, and stopped once every edit has
 * arrived everywhere.
 */
async function fanout(kind, server, during = null) {
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
	if (during) await during.start();

	const pids = [server.pid, clientsProcess.child.pid, ...(during ? [during.pid] : [])];
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
	const crowdDuring = during ? await during.stop() : null;
	const file = join(tmp, `arrivals-${kind}.bin`);
	const recorded = await clientsProcess.call('stopRecord', { file });
	await clientsProcess.call('closeAll');

	// When each edit was committed: the event's created_at (whole milliseconds, taken as its
	// write transaction begins) for the app; the floor's own note as it had the body.
	const committed = new Float64Array(n).fill(NaN);
	if (kind === 'tidewatch') {
		const ids = recorded.ids.filter(Boolean);
		const createdAt = new Map(
			appCommand(appBuild, dbPath, 'bench-event-times', {
				after: Math.min(...ids) - 1,
				until: Math.max(...ids)
			})
		);
		recorded.ids.forEach((id, seq) => {
			if (id) committed[seq] = createdAt.get(id) - wallMinusMonotonic;
		});
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
	const crowdCpu = during ? cpuAfter[2] - cpuBefore[2] : 0;
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
			...(during ? { crowdSeconds: round(crowdCpu, 2) } : {}),
			benchScriptSeconds: round(mainCpu, 2),
			otherSeconds: round(
				machineAfter.busy - machineBefore.busy - serverCpu - clientsCpu - crowdCpu - mainCpu,
				2
			)
		},
		...(during ? { crowd: crowdDuring } : {})
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
// The same edits while an anonymous crowd asks for `/` throughout: the crowd runs from before
// the first edit until the last one has reached every stream, however long that is, so the
// whole run is under load whether the crowd's pages are slow or fast.
log(`fan-out during a crowd of ${options.crowd} anonymous clients asking for /`);
const inCrowd = await fanout('tidewatch', app, {
	pid: crowdProcess.child.pid,
	async start() {
		await crowdProcess.call('open', { count: options.crowd, warmUrl: `${base}/api/last-event-id` });
		await crowdProcess.call('start', { url: `${base}/`, requests: null });
	},
	async stop() {
		const result = await crowdProcess.call('finish', { stop: true });
		await crowdProcess.call('close');
		return result;
	}
});
log(
	`fan-out during the crowd: ${inCrowd.deliveriesPerSecond} deliveries/s, p99 ${inCrowd.fromCommit.p99Ms} ms from commit, ` +
		`${inCrowd.fromRequest.p99Ms} ms from request; the crowd ${inCrowd.crowd.pagesPerSecond} pages/s`
);
clientsProcess.child.disconnect();
crowdProcess.child.disconnect();
http.close();
if (process.env.SCHEDULE_BENCH_DUMP) {
	// The gathering, for a look at `/` in a browser: DATABASE_PATH=<that file> npm start.
	const copy = join(process.env.SCHEDULE_BENCH_DUMP, 'tidewatch.db');
	const run = spawnSync(process.execPath, [join(appBuild, 'commands.js'), 'backup', copy], {
		env: { ...process.env, DATABASE_PATH: dbPath },
		encoding: 'utf8'
	});
	if (run.status !== 0) console.warn(`bench/schedule: no copy of the database: ${run.stderr}`);
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

// Issue 20's targets, reported beside the figures (the run does not fail on them).
const target = (value, limit, kind) => ({
	value,
	limit,
	met:
		value !== null &&
		(kind === 'at least' ? value >= limit : kind === 'at most' ? value <= limit : value < limit),
	kind
});
const targets = {
	publicPagesPerSecondRatio: target(crowds.public.ratioPagesPerSecond, 0.5, 'at least'),
	publicP99Ratio: target(crowds.public.ratioP99, 2, 'at most'),
	userPagesPerSecondRatio: target(crowds.user.ratioPagesPerSecond, 0.1, 'at least'),
	editsDuringCrowdP99FromCommitMs: target(inCrowd.fromCommit.p99Ms, 250, 'under')
};
const said = (t) =>
	`${{ 'at least': '≥', 'at most': '≤', under: '<' }[t.kind]} ${fmt(t.limit)}: ${t.met ? 'met' : 'MISSED'}`;

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
	crowds,
	targets,
	fanout: {
		tidewatch: ours,
		floor: bare,
		duringCrowd: inCrowd,
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
for (const who of ['public', 'user']) {
	const c = crowds[who];
	const [a, b] = [c.tidewatch, c.floor];
	const label = `crowd (${who})`;
	const v = c.firstView;
	rows.push(
		[
			label,
			`pages/s (${a.clients} clients, ${a.requests} GETs)`,
			a.pagesPerSecond,
			b.pagesPerSecond,
			c.ratioPagesPerSecond,
			said(targets[`${who}PagesPerSecondRatio`])
		],
		[label, 'p50 (ms)', a.latency.p50Ms, b.latency.p50Ms, c.ratioP50],
		[
			label,
			'p99 (ms)',
			a.latency.p99Ms,
			b.latency.p99Ms,
			c.ratioP99,
			who === 'public' ? said(targets.publicP99Ratio) : ''
		],
		[
			label,
			'server CPU per page (ms)',
			a.serverCpuMsPerPage,
			b.serverCpuMsPerPage,
			c.ratioServerCpuPerPage
		],
		[
			label,
			'not 200 / sent again after a reset',
			`${a.failed} / ${a.resent}`,
			`${b.failed} / ${b.resent}`,
			''
		],
		[
			label,
			'first view: HTML / as sent',
			`${kb(v.htmlBytes)} / ${kb(v.sentBytes)}${v.encoding ? ' gzip' : ''}`,
			'same bytes',
			''
		],
		[
			label,
			'distinct bodies / ETags',
			`${a.distinctBodies} / ${a.distinctEtags}`,
			`${b.distinctBodies} / ${b.distinctEtags}`,
			''
		]
	);
}
rows.push(
	['edits in crowd', 'deliveries/s (alone: tidewatch above)', inCrowd.deliveriesPerSecond, '', ''],
	[
		'edits in crowd',
		'p50 / p99 from commit (ms)',
		`${fmt(inCrowd.fromCommit.p50Ms)} / ${fmt(inCrowd.fromCommit.p99Ms)}`,
		'',
		'',
		said(targets.editsDuringCrowdP99FromCommitMs)
	],
	[
		'edits in crowd',
		'p50 / p99 from request (ms)',
		`${fmt(inCrowd.fromRequest.p50Ms)} / ${fmt(inCrowd.fromRequest.p99Ms)}`,
		'',
		''
	],
	['edits in crowd', 'missing deliveries', inCrowd.missing, '', ''],
	['edits in crowd', 'edits not 200', inCrowd.edits - inCrowd.accepted, '', ''],
	[
		'edits in crowd',
		'crowd meanwhile: pages/s, p99 (ms)',
		`${fmt(inCrowd.crowd.pagesPerSecond)}, ${fmt(inCrowd.crowd.latency.p99Ms)}`,
		'',
		''
	]
);
const table = rows.map((r) => [...r, ...Array(6 - r.length).fill('')].map(fmt));
const header = ['', 'measure', 'tidewatch', 'floor', 'ratio', 'target'];
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) =>
	cells
		.map((c, i) => (i >= 2 && i < 5 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
		.join('  ')
		.trimEnd();

console.log('');
console.log(
	`schedule at scale: ${entries.length} entries (${counts.public} public, ${counts.crew} crew, ${counts.draft} drafts), ` +
		`${locations.length} locations, 4 days; ${options.renders} renders per viewer; ` +
		`${options.clients} public streams, ${options.rate} edits/s for ${options.duration} s; ` +
		`crowds of ${options.crowd} clients, ${options.crowdRequests} GETs of / each`
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
for (const who of ['public', 'user']) {
	const [a, b] = [crowds[who].tidewatch.cpu, crowds[who].floor.cpu];
	console.log(
		`CPU during the ${who} crowd (s): tidewatch server ${a.serverSeconds}, crowd ${a.crowdSeconds}, other processes ${a.otherSeconds}, of ${a.windowSeconds}; ` +
			`floor server ${b.serverSeconds}, crowd ${b.crowdSeconds}, other ${b.otherSeconds}, of ${b.windowSeconds}`
	);
}
console.log(
	`CPU during the edits in the crowd (s): tidewatch server ${inCrowd.cpu.serverSeconds}, clients ${inCrowd.cpu.clientsSeconds}, ` +
		`crowd ${inCrowd.cpu.crowdSeconds}, other processes ${inCrowd.cpu.otherSeconds}, of ${inCrowd.cpu.windowSeconds}`
);
// Like run.js: figures taken while other work shared the machine are not a quiet machine's.
const timedCpu = [
	renderCpu,
	ours.cpu,
	bare.cpu,
	inCrowd.cpu,
	...Object.values(crowds).flatMap((c) => [c.tidewatch.cpu, c.floor.cpu])
];
const foreign = Math.max(...timedCpu.map((cpu) => cpu.otherSeconds / cpu.windowSeconds));
results.machineQuiet = foreign < 0.05;
if (!results.machineQuiet)
	console.log(
		`warning: other processes used up to ${(foreign * 100).toFixed(0)}% of the machine during a timed phase; ` +
			'the figures are not those of a quiet machine.'
	);
const failures = [];
for (const [kind, run] of [
	['tidewatch', ours],
	['floor', bare],
	['tidewatch in the crowd', inCrowd]
]) {
	if (run.missing > 0) failures.push(`${kind}: ${run.missing} deliveries missing`);
	if (run.accepted !== run.edits)
		failures.push(`${kind}: statuses ${JSON.stringify(run.httpStatuses)}`);
}
for (const [who, pair] of Object.entries(crowds)) {
	for (const [kind, run] of Object.entries({ tidewatch: pair.tidewatch, floor: pair.floor })) {
		const warmFailed = Object.entries(run.warmUpStatuses).filter(([status]) => status !== '200');
		if (kind === 'tidewatch' && run.notTheirPage > 0)
			failures.push(
				`${who} crowd: ${run.notTheirPage} of ${run.clients} clients' last page does not name their user (session ended?)`
			);
		if (run.failed > 0 || warmFailed.length)
			failures.push(
				`${who} crowd, ${kind}: ${run.failed} of ${run.requests} not 200 (statuses ${JSON.stringify(run.statuses)}, errors ${JSON.stringify(run.errors)}, warm-up ${JSON.stringify(run.warmUpStatuses)})`
			);
	}
}
if (inCrowd.crowd.failed > 0)
	failures.push(
		`crowd during the edits: ${inCrowd.crowd.failed} of ${inCrowd.crowd.requests} not 200 (statuses ${JSON.stringify(inCrowd.crowd.statuses)}, errors ${JSON.stringify(inCrowd.crowd.errors)})`
	);
for (const failure of failures) console.log(`FAILED  ${failure}`);
writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');
console.log(`wrote ${options.output} (${results.totalSeconds} s in all)`);
process.exit(failures.length ? 1 : 0);
