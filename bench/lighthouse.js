// `npm run lighthouse`: what a phone sees of `/` (issue 20, point 7). Lighthouse's mobile profile
// (its default: a mid-range phone's screen, a 4× slower CPU and a slow 4G network, simulated from
// one unthrottled load) on `/` of the schedule bench's gathering (bench/gathering.js: 2,000
// entries at 40 locations over four days), for the public and for a logged-in regular user, in
// the system's Chromium; the median of each figure over --runs runs, the two viewers taking turns.
//
// Options (each --name value or --name=value): --runs 3, --entries 2000, --locations 40,
// --output bench/lighthouse-results.json, --reports <dir> (also writes each run's HTML report
// there); --quick (500 entries at 10 locations, one run). CHROMIUM_PATH names the browser when it
// is not where Debian puts it.
//
// Not a step of `npm test` or `npm run bench`. It builds nothing: it runs a copy of build/ as it
// is. The targets are printed beside the figures, not enforced; exit 1 when Chromium or build/ is
// missing or a run fails.
import { spawn } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import lighthouse from 'lighthouse';
import WebSocket from 'ws';
import { buildGathering } from './gathering.js';
import { freePort, httpClient, nowMs, parseOptions, round } from './lib.js';

const root = resolve(import.meta.dirname, '..');
const defaults = {
	runs: 3,
	entries: 2000,
	locations: 40,
	output: join(root, 'bench', 'lighthouse-results.json'),
	reports: null
};
const quick = { runs: 1, entries: 500, locations: 10 };

let options;
try {
	options = parseOptions(process.argv.slice(2), defaults, quick, { paths: ['output', 'reports'] });
} catch (error) {
	console.error(`bench/lighthouse: ${error.message}`);
	process.exit(2);
}

// The e2e suite's Chromium and flags (tests/e2e/chromium.ts): no browser is ever downloaded.
const chromium = [
	process.env.CHROMIUM_PATH,
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome',
	'/usr/bin/google-chrome-stable'
].find((path) => path && existsSync(path));
if (!chromium) {
	console.error(
		'bench/lighthouse: no Chromium found. Install it (Debian: `apt-get install -y chromium`) ' +
			'or set CHROMIUM_PATH to its executable.'
	);
	process.exit(1);
}
const chromiumArgs = [
	'--headless',
	// Root cannot use Chromium's sandbox.
	...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
	'--disable-gpu',
	// The machine's closed network refuses Chromium's background connections.
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
	// Those of Lighthouse's own launcher's flags that change timings.
	'--disable-extensions',
	'--disable-renderer-backgrounding',
	'--disable-background-timer-throttling',
	'--disable-backgrounding-occluded-windows',
	'--disable-ipc-flooding-protection',
	'--mute-audio'
];
// BUILD_DIR names the build as it does for server.js.
const buildDir = resolve(root, process.env.BUILD_DIR || 'build');
if (!existsSync(join(buildDir, 'index.js'))) {
	console.error(`bench/lighthouse: ${buildDir} is missing. Run \`npm run build\` first.`);
	process.exit(1);
}

const t0 = nowMs();
const log = (...args) =>
	console.log(`[lighthouse ${((nowMs() - t0) / 1000).toFixed(1)} s]`, ...args);

const children = new Set();
const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-lighthouse-'));
process.once('exit', () => {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
	rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

/** Starts a process and waits until `pattern` shows in its output; answers the match too. */
async function launch(name, command, args, options, pattern) {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	let out = '';
	const match = await new Promise((ready, fail) => {
		const timer = setTimeout(() => fail(new Error(`${name} did not start:\n${out}`)), 30_000);
		const read = (chunk) => {
			out += chunk;
			const found = out.match(pattern);
			if (found) {
				clearTimeout(timer);
				ready(found);
			}
		};
		child.stdout.on('data', read);
		child.stderr.on('data', read);
		child.once('exit', (code) => {
			clearTimeout(timer);
			fail(new Error(`${name} exited with ${code}:\n${out}`));
		});
	});
	return { child, match };
}

async function stop(child) {
	if (child.exitCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	child.kill('SIGTERM');
	await exited;
	clearTimeout(timer);
	children.delete(child);
}

// ---------------------------------------------------------------- the app and its gathering

// A copy of build/ taken now, as bench/schedule.js does, so a rebuild meanwhile changes nothing.
const appDir = join(tmp, 'app');
cpSync(buildDir, join(appDir, 'build'), { recursive: true });
for (const file of ['server.js', 'package.json'])
	copyFileSync(join(root, file), join(appDir, file));
symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'dir');

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const { child: app } = await launch(
	'tidewatch',
	process.execPath,
	['server.js'],
	{
		cwd: appDir,
		env: {
			...process.env,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: base,
			DATABASE_PATH: join(tmp, 'tidewatch.db'),
			BUILD_DIR: join(appDir, 'build'),
			// The visitor marks its entries in one go, faster than a person.
			RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
			RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000'
		}
	},
	/Listening on/
);
const http = httpClient(base, 16);
const { visitor, counts } = await buildGathering({
	must: http.must,
	entries: options.entries,
	locations: options.locations,
	log
});
http.close();

// ---------------------------------------------------------------- Lighthouse

const viewers = [
	['public', undefined],
	['visitor', visitor]
];
const metrics = {
	performance: (lhr) => lhr.categories.performance.score * 100,
	firstContentfulPaintMs: (lhr) => lhr.audits['first-contentful-paint'].numericValue,
	largestContentfulPaintMs: (lhr) => lhr.audits['largest-contentful-paint'].numericValue,
	totalBlockingTimeMs: (lhr) => lhr.audits['total-blocking-time'].numericValue,
	cumulativeLayoutShift: (lhr) => lhr.audits['cumulative-layout-shift'].numericValue,
	speedIndexMs: (lhr) => lhr.audits['speed-index'].numericValue,
	accessibility: (lhr) => lhr.categories.accessibility.score * 100
};

/** The accessibility audits that count towards the score and did not pass, with their elements. */
const failingAudits = (lhr) =>
	lhr.categories.accessibility.auditRefs
		.filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null)
		.map((ref) => lhr.audits[ref.id])
		.filter((audit) => audit.score < 1)
		.map((audit) => ({
			id: audit.id,
			title: audit.title,
			elements: audit.details?.items?.length ?? 0,
			examples: (audit.details?.items ?? []).slice(0, 3).map((item) => item.node?.snippet)
		}));

// Lighthouse's settings and versions, the same in every run.
let settings, versions;

/**
 * Puts the session cookie in the browser's own jar, as a login would. Lighthouse's extraHeaders
 * would not do: the stream's WebSocket carries only the jar's cookies, so the page would see its
 * session gone and reload its data again and again.
 */
async function putCookie(browserUrl, cookie) {
	const socket = new WebSocket(browserUrl);
	await new Promise((open, fail) => socket.once('open', open).once('error', fail));
	const at = cookie.indexOf('=');
	const answer = await new Promise((done, fail) => {
		socket.once('message', (data) => done(JSON.parse(data)));
		socket.once('error', fail);
		const params = {
			cookies: [
				{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: base, httpOnly: true }
			]
		};
		socket.send(JSON.stringify({ id: 1, method: 'Storage.setCookies', params }));
	});
	socket.close();
	if (answer.error) throw new Error(`Storage.setCookies: ${answer.error.message}`);
}

/** One Lighthouse run in a fresh Chromium with a fresh profile. */
async function audit(who, cookie, run) {
	const profile = join(tmp, `chromium-${who}-${run}`);
	const started = nowMs();
	const { child, match } = await launch(
		'chromium',
		chromium,
		[...chromiumArgs, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
		{},
		/DevTools listening on (ws:\/\/[^:]+:(\d+)\/\S+)/
	);
	try {
		if (cookie) await putCookie(match[1], cookie);
		const result = await lighthouse(`${base}/`, {
			port: Number(match[2]),
			hostname: '127.0.0.1',
			logLevel: 'error',
			output: options.reports ? 'html' : 'json',
			onlyCategories: ['performance', 'accessibility'],
			// The screenshot of a page this long costs time and tells nothing here.
			disableFullPageScreenshot: true
		});
		const lhr = result?.lhr;
		if (!lhr) throw new Error('Lighthouse answered nothing');
		if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
		settings = lhr.configSettings;
		versions = { lighthouse: lhr.lighthouseVersion, chromium: lhr.environment.hostUserAgent };
		if (options.reports) {
			mkdirSync(options.reports, { recursive: true });
			writeFileSync(join(options.reports, `${who}-${run}.html`), result.report);
		}
		// The page as the phone downloaded it: a check that the visitor's was the logged-in one.
		const page = lhr.audits['network-requests'].details.items.find(
			(item) => item.resourceType === 'Document'
		);
		return {
			...Object.fromEntries(Object.entries(metrics).map(([k, f]) => [k, round(f(lhr), 3)])),
			document: { bytes: page?.resourceSize, transferBytes: page?.transferSize },
			failingAccessibilityAudits: failingAudits(lhr),
			// What moved, for whoever brings the shift down.
			layoutShifts: (lhr.audits['layout-shifts']?.details?.items ?? []).slice(0, 3).map((item) => ({
				score: round(item.score, 3),
				element: item.node?.snippet
			})),
			warnings: lhr.runWarnings,
			benchmarkIndex: lhr.environment.benchmarkIndex,
			lighthouseSeconds: round(lhr.timing.total / 1000, 1),
			seconds: round((nowMs() - started) / 1000, 1)
		};
	} finally {
		await stop(child);
		// Chromium's helpers may still be writing to the profile after it stopped: what is left
		// goes with the temporary folder at exit.
		try {
			rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
		} catch {
			// Left for the exit.
		}
	}
}

const runs = Object.fromEntries(viewers.map(([who]) => [who, []]));
for (let run = 1; run <= options.runs; run++) {
	for (const [who, cookie] of viewers) {
		const result = await audit(who, cookie, run);
		runs[who].push(result);
		log(
			`${who} run ${run}: performance ${round(result.performance, 0)}, LCP ${round(result.largestContentfulPaintMs / 1000, 1)} s, ` +
				`CLS ${result.cumulativeLayoutShift}, accessibility ${round(result.accessibility, 0)}; page ${round(result.document.bytes / 1024, 0)} KiB (${round(result.document.transferBytes / 1024, 0)} KiB sent), ${result.seconds} s`
		);
	}
}
await stop(app);

// ---------------------------------------------------------------- report

const median = (list) => {
	const sorted = [...list].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const medians = Object.fromEntries(
	viewers.map(([who]) => [
		who,
		Object.fromEntries(
			Object.keys(metrics).map((k) => [k, round(median(runs[who].map((r) => r[k])), 3)])
		)
	])
);
const targets = [
	['performance', 'performance', '≥ 90', (v) => v >= 90],
	['largest contentful paint', 'largestContentfulPaintMs', '≤ 2.5 s', (v) => v <= 2500],
	['cumulative layout shift', 'cumulativeLayoutShift', '≤ 0.1', (v) => v <= 0.1],
	['accessibility', 'accessibility', '100', (v) => v >= 100]
];
const results = {
	date: new Date().toISOString(),
	command: `node bench/lighthouse.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
	machine: {
		cores: os.availableParallelism(),
		cpu: os.cpus()[0]?.model ?? 'unknown',
		node: process.version,
		loadAverageAtEnd: os.loadavg().map((v) => round(v))
	},
	versions,
	settings: {
		formFactor: settings.formFactor,
		throttlingMethod: settings.throttlingMethod,
		throttling: settings.throttling,
		screenEmulation: settings.screenEmulation,
		onlyCategories: settings.onlyCategories
	},
	options,
	gathering: { entries: options.entries, ...counts, locations: options.locations, days: 4 },
	medians,
	targets: Object.fromEntries(
		targets.map(([, key, target, met]) => [
			key,
			{ target, met: Object.fromEntries(viewers.map(([who]) => [who, met(medians[who][key])])) }
		])
	),
	runs,
	totalSeconds: round((nowMs() - t0) / 1000, 1)
};
writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');

const shown = [
	['performance', 'performance', (v) => round(v, 0), '≥ 90'],
	['first contentful paint (s)', 'firstContentfulPaintMs', (v) => round(v / 1000, 1), ''],
	['largest contentful paint (s)', 'largestContentfulPaintMs', (v) => round(v / 1000, 1), '≤ 2.5'],
	['total blocking time (ms)', 'totalBlockingTimeMs', (v) => round(v, 0), ''],
	['cumulative layout shift', 'cumulativeLayoutShift', (v) => round(v, 3), '≤ 0.1'],
	['speed index (s)', 'speedIndexMs', (v) => round(v / 1000, 1), ''],
	['accessibility', 'accessibility', (v) => round(v, 0), '100']
];
const rows = shown.map(([label, key, format, target]) => [
	label,
	...viewers.map(([who]) => String(format(medians[who][key]))),
	target
]);
const header = ['median of ' + options.runs, ...viewers.map(([who]) => `/ (${who})`), 'target'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
	cells.map((c, i) => (i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log('');
console.log(
	`Lighthouse ${versions.lighthouse}, ${settings.formFactor} (${settings.throttlingMethod} throttling), ` +
		`in ${versions.chromium.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}; ${options.entries} entries at ${options.locations} locations`
);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
for (const [label, key, target, met] of targets) {
	const missed = viewers.filter(([who]) => !met(medians[who][key])).map(([who]) => who);
	console.log(
		`  ${missed.length ? 'MISSED' : 'met   '}  ${label} ${target}${missed.length ? ` (${missed.join(', ')})` : ''}`
	);
}
for (const [who] of viewers) {
	const failing = runs[who].at(-1).failingAccessibilityAudits;
	if (failing.length)
		console.log(
			`accessibility audits failing for ${who}: ` +
				failing.map((a) => `${a.id} (${a.elements})`).join(', ')
		);
}
console.log(`wrote ${options.output} (${results.totalSeconds} s in all)`);
process.exit(0);
