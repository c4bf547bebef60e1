// `npm run bench -- --postgres`: one instance on SQLite, then one, two and three instances on one
// PostgreSQL database, side by side on the same build, with what each instance and PostgreSQL
// spend. See docs/performance.md, "Several instances on PostgreSQL".
//
//   npm run bench -- --postgres            defaults: 2,000 streams, 50 changes/s for 10 s, 20,000 backlog
//   npm run bench -- --postgres --quick    under a minute: 100 streams, 2 s of changes, 2,000 backlog
//
// Options (each --name value or --name=value): --clients, --rate, --duration, --backlog,
// --users, --sessions, --write-concurrency, --write-seconds, --page-concurrency, --page-seconds,
// --catchup-runs, --load-procs, --instances (default 3: PostgreSQL runs 1 to N), --profile <dir>,
// --output <file> (default bench/results-postgres.json), --build <dir> (default BUILD_DIR, else
// build/); --quick. It starts its own PostgreSQL cluster (scripts/postgres-cluster.js) from the
// machine's binaries and deletes it at the end.
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startCluster } from '../scripts/postgres-cluster.js';
import {
	appCommand,
	cpuSeconds,
	freePort,
	httpClient,
	machineCpu,
	nowMs,
	parseOptions,
	processes,
	round,
	summarise
} from './lib.js';

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'bench');

// ---------------------------------------------------------------- options

const defaults = {
	clients: 2000,
	rate: 50,
	duration: 10,
	backlog: 20_000,
	users: 20,
	sessions: 100,
	writeConcurrency: 16,
	writeSeconds: 3,
	pageConcurrency: 16,
	pageSeconds: 3,
	catchupRuns: 3,
	loadProcs: 0, // 0: one per two cores, at least one, at most four
	instances: 3,
	profile: null,
	build: resolve(root, process.env.BUILD_DIR || 'build'),
	output: join(benchDir, 'results-postgres.json')
};
const quickDefaults = {
	clients: 100,
	duration: 1,
	backlog: 1000,
	users: 4,
	sessions: 8,
	writeConcurrency: 4,
	writeSeconds: 1,
	pageConcurrency: 4,
	pageSeconds: 1,
	catchupRuns: 1
};

let options;
try {
	const argv = process.argv.slice(2).filter((a) => a !== '--postgres');
	if (argv.includes('--help') || argv.includes('-h')) {
		console.log(
			readFileSync(new URL(import.meta.url), 'utf8')
				.split('\n')
				.slice(0, 13)
				.join('\n')
		);
		process.exit(0);
	}
	options = parseOptions(argv, defaults, quickDefaults, {
		paths: ['output', 'build', 'profile'],
		text: [],
		fractions: ['rate', 'duration', 'writeSeconds', 'pageSeconds']
	});
	options.loadProcs ||= Math.min(4, Math.max(1, Math.floor(os.availableParallelism() / 2)));
	options.users = Math.max(options.users, options.writeConcurrency);
} catch (error) {
	console.error(`bench: ${error.message}`);
	process.exit(2);
}
if (!existsSync(join(options.build, 'index.js'))) {
	console.error(
		`bench: ${join(options.build, 'index.js')} is missing. Run \`npm run build\` first, then \`npm run bench -- --postgres\`.`
	);
	process.exit(1);
}

const { killChildren, LoadProcess, launch, stop } = processes(options.clients);
const t0 = nowMs();
const log = (...args) =>
	console.log(`[${((nowMs() - t0) / 1000).toFixed(1).padStart(5)} s]`, ...args);

// ---------------------------------------------------------------- CPU accounting

const clockTicks = 100;

/** The fields after the command name of /proc/<pid>/stat, or null once the process is gone. */
function statFields(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return null;
	}
}

/**
 * PostgreSQL's own CPU seconds so far: the postmaster's, its live children's (backends, the
 * writer, the WAL writer…), and those of children that have exited (the postmaster's cutime
 * and cstime), so a backend that ends during a window still counts.
 */
function postgresCpu(postmaster) {
	const own = statFields(postmaster);
	if (!own) return null;
	let total = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) / clockTicks;
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const fields = statFields(entry);
		if (fields && Number(fields[1]) === postmaster)
			total += (Number(fields[11]) + Number(fields[12])) / clockTicks;
	}
	return total;
}

/**
 * Starts a window over the CPU of every instance, PostgreSQL, the load processes and the whole
 * machine; the function it answers closes the window.
 */
function cpuWindow(instances, postmaster) {
	const loadPids = [...loaders, driver].map((l) => l.child.pid);
	const before = {
		instances: instances.map((s) => cpuSeconds(s.pid)),
		postgres: postmaster ? postgresCpu(postmaster) : null,
		load: loadPids.map(cpuSeconds),
		self: process.cpuUsage(),
		machine: machineCpu()
	};
	return () => {
		const instanceCpu = instances.map((s, i) => cpuSeconds(s.pid) - before.instances[i]);
		const postgres = postmaster ? postgresCpu(postmaster) - before.postgres : 0;
		const load = loadPids.map((pid, i) => cpuSeconds(pid) - before.load[i]);
		const self = process.cpuUsage(before.self);
		const machine = machineCpu();
		const busy = machine.busy - before.machine.busy;
		const known =
			instanceCpu.reduce((a, b) => a + b, 0) +
			postgres +
			load.reduce((a, b) => a + b, 0) +
			(self.user + self.system) / 1e6;
		return {
			windowSeconds: round((machine.total - before.machine.total) / os.availableParallelism(), 2),
			instanceSeconds: instanceCpu.map((v) => round(v, 3)),
			postgresSeconds: postmaster ? round(postgres, 3) : null,
			loadSeconds: round(
				load.reduce((a, b) => a + b, 0),
				2
			),
			machineBusySeconds: round(busy, 2),
			otherSeconds: round(busy - known, 2)
		};
	};
}

// ---------------------------------------------------------------- the app under test

const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-bench-pg-'));
const appDir = join(tmp, 'app');
const appBuild = join(appDir, 'build');
cpSync(options.build, appBuild, { recursive: true });
for (const file of ['server.js', 'package.json'])
	copyFileSync(join(resolve(options.build, '..'), file), join(appDir, file));
symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'dir');

const loaders = Array.from({ length: options.loadProcs }, () => new LoadProcess('clients'));
const driver = new LoadProcess('driver');
const everyLoader = (cmd, args) => Promise.all(loaders.map((l) => l.call(cmd, args)));
const password = 'bench-password-1234';

/** Splits `count` over `parts`, the first ones taking one more. */
const shares = (count, parts) =>
	Array.from({ length: parts }, (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0));
const median = (list, by) => [...list].sort((a, b) => by(a) - by(b))[(list.length - 1) >> 1];

/** Instances on ports of their own, all with the same public origin (as behind one proxy). */
async function startInstances(name, database, ports, origin) {
	const instances = [];
	for (const port of ports) {
		const env = {
			...process.env,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: origin,
			SHUTDOWN_TIMEOUT: '5',
			BUILD_DIR: appBuild,
			RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '10000',
			STREAM_MAX_PER_ADDRESS: String(options.clients + 100),
			STREAM_MAX_PER_INSTANCE: String(options.clients + 100),
			STREAM_MAX_PER_USER: String(options.clients + 100),
			STREAM_REPLAY_MAX_EVENTS: String(options.backlog + 1_000_000),
			SESSION_MAX_LOGINS_PER_USER: String(options.sessions + 10),
			RATE_LIMIT_LOGINS_PER_USER: String(options.sessions + 10)
		};
		if (database.startsWith('postgres://')) env.DATABASE_URL = database;
		else {
			env.DATABASE_PATH = database;
			delete env.DATABASE_URL;
		}
		// V8 CPU profiles of every instance, written when it exits (node bench/profile-summary.js).
		const profile = options.profile
			? [
					'--cpu-prof',
					`--cpu-prof-dir=${options.profile}`,
					`--cpu-prof-name=${name}-${port}.cpuprofile`
				]
			: [];
		const server = await launch(`tidewatch :${port}`, [...profile, 'server.js'], env, appDir);
		server.base = `http://127.0.0.1:${port}`;
		server.wsUrl = `ws://127.0.0.1:${port}/api/events`;
		instances.push(server);
	}
	return instances;
}

/** Registers the admin, the target and the users on the first instance; logs in for sessions. */
async function setUp(http) {
	const register = async (name) =>
		(await http.must('POST', '/api/auth/register', { body: { name, password } }, 201)).json;
	const admin = await http.must(
		'POST',
		'/api/auth/register',
		{ body: { name: 'bench-admin', password } },
		201
	);
	const target = await register('bench-target');
	const users = [];
	const cookies = [];
	for (let i = 0; i < options.users; i++) {
		const r = await http.must(
			'POST',
			'/api/auth/register',
			{ body: { name: `bench-u${i}`, password } },
			201
		);
		users.push({ id: r.json.id, name: `bench-u${i}` });
		cookies.push(r.cookie);
	}
	for (let i = cookies.length; i < options.sessions; i++) {
		const user = users[i % users.length];
		const r = await http.call('POST', '/api/auth/login', {
			body: { name: user.name, password }
		});
		if (r.status !== 200 || !r.cookie) break;
		cookies.push(r.cookie);
	}
	return {
		adminCookie: admin.cookie,
		target: { id: target.id, createdAt: target.createdAt },
		users,
		cookies
	};
}

/** One configuration: `count` instances on `storage`, every phase, then stopped. */
async function measure(name, storage, count, cluster) {
	let database;
	if (storage === 'sqlite') database = join(tmp, `${name}.db`);
	else {
		const admin = new pg.Client({ connectionString: cluster.adminUrl });
		await admin.connect();
		await admin.query(`CREATE DATABASE bench_${name}`);
		await admin.end();
		database = `postgres://postgres@127.0.0.1:${cluster.port}/bench_${name}`;
	}
	const postmaster = cluster && storage === 'postgres' ? cluster.postmasterPid() : null;
	const ports = [];
	for (let i = 0; i < count; i++) ports.push(await freePort());
	const origin = `http://127.0.0.1:${ports[0]}`;
	let instances = await startInstances(name, database, ports, origin);
	const http = httpClient(instances[0].base, 4);
	const result = { name, storage, instances: count };
	try {
		const { adminCookie, target, users, cookies } = await setUp(http);
		log(`${name}: ${count} instance(s) up, ${users.length + 2} users, ${cookies.length} sessions`);

		// -- catch-up: a backlog written through the storage while the instances are down, then
		//    one admin client replays it from the last instance (on one instance, the only one).
		for (const server of instances) await stop(server);
		appCommand(appBuild, database, 'bench-renames', {
			user: target.id,
			count: options.backlog,
			prefix: 'backlog-'
		});
		instances = await startInstances(name, database, ports, origin);
		http.renew();
		const replayer = instances.at(-1);
		const runs = [];
		for (let i = 0; i < options.catchupRuns; i++) {
			const end = cpuWindow(instances, postmaster);
			const run = await loaders[0].call('catchup', {
				url: replayer.wsUrl,
				origin,
				cookie: adminCookie,
				from: 0
			});
			if (run.events < options.backlog || !run.increasing)
				throw new Error(
					`${name}: catch-up received ${run.events} events (increasing: ${run.increasing})`
				);
			runs.push({ ...run, cpu: end() });
		}
		const catchup = median(runs, (r) => r.seconds);
		result.catchup = {
			events: catchup.events,
			seconds: round(catchup.seconds, 3),
			eventsPerSecond: round(catchup.events / catchup.seconds, 0),
			instanceCpuSeconds: catchup.cpu.instanceSeconds.at(-1),
			postgresCpuSeconds: catchup.cpu.postgresSeconds,
			cpu: catchup.cpu
		};
		log(`${name}: catch-up ${result.catchup.eventsPerSecond} events/s (${catchup.events} events)`);

		// -- writes: closed-loop renames, the workers spread over the instances
		const bases = instances.map((s) => s.base);
		const closedLoop = async (kind, concurrency, seconds, extra = {}) => {
			const end = cpuWindow(instances, postmaster);
			const run = await driver.call('closedLoop', {
				kind,
				bases,
				origin,
				targets: users.map((u) => u.id),
				concurrency,
				seconds,
				warmupSeconds: Math.min(0.5, seconds / 2),
				...extra
			});
			const cpu = end();
			if (!run.statuses[200] || Object.keys(run.statuses).some((code) => code !== '200'))
				throw new Error(`${name}: ${kind}: unexpected statuses ${JSON.stringify(run.statuses)}`);
			// The window includes the warm-up: CPU per request over every request answered in it.
			const answered = run.count * (1 + Math.min(0.5, seconds / 2) / seconds);
			const instanceTotal = cpu.instanceSeconds.reduce((a, b) => a + b, 0);
			return {
				concurrency,
				perSecond: round(run.perSecond, 0),
				p50Ms: run.latency.p50Ms,
				p99Ms: run.latency.p99Ms,
				instanceCpuMsPerRequest: round((instanceTotal / answered) * 1e3, 3),
				postgresCpuMsPerRequest:
					cpu.postgresSeconds === null ? null : round((cpu.postgresSeconds / answered) * 1e3, 3),
				cpu
			};
		};
		result.writes = await closedLoop('rename', options.writeConcurrency, options.writeSeconds, {
			cookie: adminCookie
		});
		log(`${name}: writes ${result.writes.perSecond} renames/s, p99 ${result.writes.p99Ms} ms`);
		result.pages = await closedLoop('page', options.pageConcurrency, options.pageSeconds);
		log(`${name}: ${result.pages.perSecond} anonymous / pages/s, p99 ${result.pages.p99Ms} ms`);

		// -- fan-out: the streams spread evenly over the instances, changes through each in turn
		let head = (await http.must('GET', '/api/last-event-id')).json.id;
		const perInstance = shares(options.clients, count);
		/** For each load process, the instance of each of its clients, in its order. */
		const owners = loaders.map(() => []);
		for (const [i, server] of instances.entries()) {
			const split = shares(perInstance[i], loaders.length);
			await Promise.all(
				loaders.map((l, k) => {
					owners[k].push(...Array(split[k]).fill(i));
					return l.call('connect', {
						url: server.wsUrl,
						origin,
						cookies: cookies.slice(k).concat(cookies.slice(0, k)),
						count: split[k],
						lastEventId: head
					});
				})
			);
		}
		const n = Math.max(1, Math.round(options.rate * options.duration));
		await everyLoader('record', { n, marker: '"name":"fanout-', prefix: 'fanout-' });
		await everyLoader('resetStats');
		const end = cpuWindow(instances, postmaster);
		const drive = await driver.call('drive', {
			kind: 'tidewatch',
			bases,
			origin,
			cookie: adminCookie,
			target,
			rate: options.rate,
			seconds: options.duration,
			marker: 'fanout-',
			// Kept-alive connections opened before the clock, per instance (64 as in run.js).
			connections: options.quick ? 8 : 64
		});
		head = (await http.must('GET', '/api/last-event-id')).json.id;
		const waits = await everyLoader('waitAtLeast', { id: head, timeoutMs: 30_000 });
		const cpu = end();
		const statuses = await everyLoader('status');
		const files = await Promise.all(
			loaders.map((l, k) => l.call('stopRecord', { file: join(tmp, `arrivals-${name}-${k}.bin`) }))
		);
		const accepted = drive.statuses[200] ?? 0;
		const latencies = [];
		const delivered = Array(count).fill(0);
		let lastArrival = -Infinity;
		const firstStart = Math.min(...drive.starts);
		files.forEach((info, k) => {
			const bytes = readFileSync(join(tmp, `arrivals-${name}-${k}.bin`));
			const arrivals = new Float64Array(Uint8Array.from(bytes).buffer);
			for (let j = 0; j < arrivals.length; j++) {
				const at = arrivals[j];
				if (Number.isNaN(at)) continue;
				delivered[owners[k][Math.floor(j / info.n)]]++;
				latencies.push(at - drive.starts[j % info.n]);
				lastArrival = Math.max(lastArrival, at);
			}
		});
		const deliveries = delivered.reduce((a, b) => a + b, 0);
		const windowSeconds = (lastArrival - firstStart) / 1000;
		result.fanout = {
			clients: options.clients,
			changes: n,
			changesAccepted: accepted,
			httpStatuses: drive.statuses,
			deliveries,
			missing: Math.max(0, options.clients * accepted - deliveries),
			drained: waits.every((w) => w.ok),
			notIncreasing: statuses.reduce((sum, s) => sum + s.notIncreasing, 0),
			deliveriesPerSecond: round(deliveries / windowSeconds, 0),
			...summarise(latencies),
			perInstance: instances.map((s, i) => ({
				clients: perInstance[i],
				deliveries: delivered[i],
				cpuSeconds: cpu.instanceSeconds[i],
				cpuMicrosPerDelivery: round((cpu.instanceSeconds[i] / delivered[i]) * 1e6, 2)
			})),
			postgresCpuSeconds: cpu.postgresSeconds,
			postgresCpuMsPerChange:
				cpu.postgresSeconds === null ? null : round((cpu.postgresSeconds / accepted) * 1e3, 3),
			cpu
		};
		result.projection = project(result.fanout);
		log(
			`${name}: fan-out ${result.fanout.deliveriesPerSecond} deliveries/s, p50 ${result.fanout.p50Ms} ms, ` +
				`p99 ${result.fanout.p99Ms} ms, missing ${result.fanout.missing}; ` +
				`µs per delivery per instance ${result.fanout.perInstance.map((p) => p.cpuMicrosPerDelivery).join(', ')}`
		);
		await everyLoader('closeAll');
	} finally {
		http.close();
		await Promise.all(instances.map((s) => stop(s)));
	}
	return result;
}

/**
 * What the run's instances would deliver each with a core of its own. Every instance handles
 * every change (it reads the event and sends it to its own streams), so the fan-out's CPU of
 * instance i over the changes is its cost per change at its share of the streams: on a core of
 * its own it keeps up with changes / cpu_i changes a second. The whole handles the least of
 * those, and of PostgreSQL's changes / its CPU (on one core of its own), and every change
 * reaches all the streams: deliveries/s = streams × that rate. It takes the cost as linear in
 * the changes at a fixed number of streams per instance, which the fit of run.js supports.
 */
function project(fanout) {
	const changes = fanout.changesAccepted;
	const perInstance = fanout.perInstance.map((p) => changes / p.cpuSeconds);
	const postgres = fanout.postgresCpuSeconds ? changes / fanout.postgresCpuSeconds : Infinity;
	const rate = Math.min(...perInstance, postgres);
	return {
		changesPerSecondPerInstanceCore: perInstance.map((v) => round(v, 0)),
		postgresChangesPerSecondPerCore: Number.isFinite(postgres) ? round(postgres, 0) : null,
		changesPerSecond: round(rate, 0),
		deliveriesPerSecond: round(rate * fanout.clients, 0),
		cores: fanout.perInstance.length + (Number.isFinite(postgres) ? 1 : 0)
	};
}

// ---------------------------------------------------------------- the run

const results = {
	benchmark: 'tidewatch-postgres',
	date: new Date().toISOString(),
	command: `npm run bench -- --postgres${
		process.argv.length > 2
			? ` ${process.argv
					.slice(2)
					.filter((a) => a !== '--postgres')
					.join(' ')}`
			: ''
	}`,
	machine: {
		cores: os.availableParallelism(),
		cpu: os.cpus()[0]?.model ?? 'unknown',
		memoryGiB: round(os.totalmem() / 2 ** 30, 1),
		node: process.version,
		loadAverage: os.loadavg().map((v) => round(v, 2))
	},
	parameters: { ...options, output: undefined },
	runs: []
};

let cluster = null;
let failed = false;
// Interrupted (SIGINT ends the process from processes()), or ended by an error not caught
// below: the cluster and the temporary folder go with it.
process.on('exit', () => {
	cluster?.kill();
	rmSync(tmp, { recursive: true, force: true });
});
try {
	cluster = await startCluster({ who: 'The PostgreSQL benchmark needs' });
	log(`PostgreSQL cluster on port ${cluster.port}, ${cluster.dir}`);
	results.runs.push(await measure('sqlite1', 'sqlite', 1, null));
	for (let n = 1; n <= options.instances; n++)
		results.runs.push(await measure(`pg${n}`, 'postgres', n, cluster));
} catch (error) {
	// Before the cluster starts, the error says what is missing: no stack needed.
	console.error(`\nbench --postgres failed: ${cluster ? (error.stack ?? error) : error.message}`);
	failed = true;
} finally {
	killChildren();
	for (const l of [...loaders, driver]) if (l.child.connected) l.stop();
	await cluster?.stop().catch((error) => console.error(`stopping PostgreSQL: ${error}`));
	cluster = null;
	rmSync(tmp, { recursive: true, force: true });
}
if (failed) process.exit(1);

// ---------------------------------------------------------------- report

const byName = Object.fromEntries(results.runs.map((r) => [r.name, r]));
const ratio = (a, b) => (a && b ? round(a / b, 2) : null);
const sqlite = byName.sqlite1;
const pg1 = byName.pg1;
const pg2 = byName.pg2;
results.targets = [
	{
		name: 'PostgreSQL at one instance over SQLite, deliveries/s measured',
		target: '>= 0.7',
		value: ratio(pg1.fanout.deliveriesPerSecond, sqlite.fanout.deliveriesPerSecond)
	},
	{
		name: 'PostgreSQL at one instance over SQLite, deliveries/s per core (projected)',
		target: '>= 0.7',
		value: ratio(pg1.projection.deliveriesPerSecond, sqlite.projection.deliveriesPerSecond)
	},
	pg2 && {
		name: 'two instances over one, deliveries/s measured on this machine',
		target: '(>= 1.6 needs the cores)',
		value: ratio(pg2.fanout.deliveriesPerSecond, pg1.fanout.deliveriesPerSecond)
	},
	pg2 && {
		name: 'two instances over one, projected with a core per instance',
		target: '>= 1.6',
		value: ratio(pg2.projection.deliveriesPerSecond, pg1.projection.deliveriesPerSecond)
	}
]
	.filter(Boolean)
	.map((t) => ({
		...t,
		met: typeof t.value === 'number' && t.value >= (t.target.includes('1.6') ? 1.6 : 0.7)
	}));
results.totalSeconds = round((nowMs() - t0) / 1000, 1);

const fmt = (v) =>
	typeof v === 'number'
		? v.toLocaleString('en-US', { maximumFractionDigits: 2 })
		: String(v ?? '–');
const each = (list) => list.map(fmt).join(' / ');
const rows = [
	['fan-out', 'deliveries/s', (r) => r.fanout.deliveriesPerSecond],
	['fan-out', 'latency p50 (ms)', (r) => r.fanout.p50Ms],
	['fan-out', 'latency p99 (ms)', (r) => r.fanout.p99Ms],
	['fan-out', 'latency max (ms)', (r) => r.fanout.maxMs],
	['fan-out', 'missing deliveries', (r) => r.fanout.missing],
	['fan-out', 'CPU per instance (s)', (r) => each(r.fanout.perInstance.map((p) => p.cpuSeconds))],
	[
		'fan-out',
		'CPU per delivery per instance (µs)',
		(r) => each(r.fanout.perInstance.map((p) => p.cpuMicrosPerDelivery))
	],
	['fan-out', 'PostgreSQL CPU (s)', (r) => r.fanout.postgresCpuSeconds],
	['fan-out', 'PostgreSQL CPU per change (ms)', (r) => r.fanout.postgresCpuMsPerChange],
	[
		'fan-out',
		'other processes (s of window)',
		(r) =>
			`${fmt(r.fanout.cpu.otherSeconds)} of ${fmt(r.fanout.cpu.windowSeconds * results.machine.cores)}`
	],
	['projected', 'deliveries/s, a core per instance', (r) => r.projection.deliveriesPerSecond],
	[
		'projected',
		'changes/s per core, each instance',
		(r) => each(r.projection.changesPerSecondPerInstanceCore)
	],
	[
		'projected',
		'changes/s per core, PostgreSQL',
		(r) => r.projection.postgresChangesPerSecondPerCore
	],
	['writes', `renames/s, ${options.writeConcurrency} concurrent`, (r) => r.writes.perSecond],
	['writes', 'latency p50 / p99 (ms)', (r) => `${fmt(r.writes.p50Ms)} / ${fmt(r.writes.p99Ms)}`],
	['writes', 'instances CPU per rename (ms)', (r) => r.writes.instanceCpuMsPerRequest],
	['writes', 'PostgreSQL CPU per rename (ms)', (r) => r.writes.postgresCpuMsPerRequest],
	['catch-up', `events/s (${fmt(options.backlog)} events)`, (r) => r.catchup.eventsPerSecond],
	['catch-up', 'replaying instance CPU (s)', (r) => r.catchup.instanceCpuSeconds],
	['catch-up', 'PostgreSQL CPU (s)', (r) => r.catchup.postgresCpuSeconds],
	['pages', `anonymous / pages/s, ${options.pageConcurrency} concurrent`, (r) => r.pages.perSecond],
	['pages', 'latency p50 / p99 (ms)', (r) => `${fmt(r.pages.p50Ms)} / ${fmt(r.pages.p99Ms)}`],
	['pages', 'instances CPU per page (ms)', (r) => r.pages.instanceCpuMsPerRequest],
	['pages', 'PostgreSQL CPU per page (ms)', (r) => r.pages.postgresCpuMsPerRequest]
].map(([section, label, pick]) => [section, label, ...results.runs.map((r) => fmt(pick(r)))]);
const header = [
	'',
	'measure',
	...results.runs.map((r) => (r.storage === 'sqlite' ? 'SQLite ×1' : `PostgreSQL ×${r.instances}`))
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
	cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log('');
console.log(
	`Tidewatch on several instances — ${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}, ` +
		`load average at the start ${results.machine.loadAverage.join(' ')}`
);
console.log(
	`${options.clients} streams spread evenly over the instances, ${options.rate} changes/s for ${options.duration} s ` +
		`(sent to the instances in turn), backlog ${fmt(options.backlog)}`
);
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
console.log('targets:');
for (const t of results.targets)
	console.log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name} ${t.target}: ${fmt(t.value)}`);
console.log(
	'projected: on a core of its own, an instance keeps up with (changes / its fan-out CPU) changes a second ' +
		'at its share of the streams, PostgreSQL with (changes / its CPU); the least of those, times the streams'
);
const busiest = Math.max(
	...results.runs.map(
		(r) => r.fanout.cpu.otherSeconds / (r.fanout.cpu.windowSeconds * results.machine.cores)
	)
);
if (busiest > 0.05)
	console.log(
		`warning: other processes used up to ${(busiest * 100).toFixed(0)}% of the machine during a fan-out run; ` +
			'the figures are not those of a quiet machine.'
	);
writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');
console.log(`wrote ${options.output} (${results.totalSeconds} s in all)`);
process.exit(0);
