// `npm run bench:offline`: what a phone that was offline pays to catch up (docs/offline.md,
// docs/performance.md "Offline and catching up"), against the built production server.
//
//   1. A gathering of 2,000 entries at 40 locations over four days (bench/gathering.js).
//   2. The phone reads `/` (gzip, as a browser takes it) and the head event id, then goes
//      offline. Meanwhile an admin makes 300 edits of public entries (moves and new titles).
//   3. Back online, the phone's stream resumes from the kept id: the bytes read from the wire
//      until `live` (handshake included), offering permessage-deflate as browsers do and not,
//      and the time from opening the socket to it; against a full reload of `/` (gzip bytes of
//      the page and time), read right after.
//   4. A crowd back at once: --crowd phones catch up from the same id together, compressed and
//      not: the time until the last is live, and the bytes.
//   5. In Chromium, with the service worker: `/`, its four days and `/changes` opened and kept;
//      what the device then holds, as the browser counts it (navigator.storage.estimate) and as
//      the kept copy's bodies add up.
//
// Options: --entries 2000, --locations 40, --edits 300, --crowd 200,
// --output bench/offline-results.json; --quick (500 entries, 10 locations, 50 edits, 50
// phones). It builds nothing: it runs a copy of build/.
import { spawn } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection } from 'node:net';
import { chromium } from '@playwright/test';
import WebSocket from 'ws';
import { buildGathering } from './gathering.js';
import { freePort, httpClient, nowMs, parseOptions, round } from './lib.js';

const root = resolve(import.meta.dirname, '..');
const defaults = {
	entries: 2000,
	locations: 40,
	edits: 300,
	crowd: 200,
	output: 'bench/offline-results.json'
};
const quick = { entries: 500, locations: 10, edits: 50, crowd: 50 };
const options = parseOptions(process.argv.slice(2), defaults, quick, { paths: ['output'] });

const buildDir = resolve(root, process.env.BUILD_DIR || 'build');
if (!existsSync(join(buildDir, 'index.js'))) {
	console.error(`bench/offline: ${buildDir} is missing. Run \`npm run build\` first.`);
	process.exit(1);
}
const browserPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
	.filter(Boolean)
	.find((path) => existsSync(path));
if (!browserPath) {
	console.error(
		'bench/offline: no Chromium found. Install it (Debian: `apt-get install -y chromium`).'
	);
	process.exit(1);
}

const t0 = nowMs();
const log = (...args) => console.log(`[offline ${((nowMs() - t0) / 1000).toFixed(1)} s]`, ...args);

const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-offline-'));
let app;
process.once('exit', () => {
	if (app?.exitCode === null) app.kill('SIGKILL');
	rmSync(tmp, { recursive: true, force: true });
});
process.once('SIGINT', () => process.exit(130));

// A copy of the build, so a rebuild meanwhile changes nothing.
const appDir = join(tmp, 'app');
cpSync(buildDir, join(appDir, 'build'), { recursive: true });
for (const file of ['server.js', 'package.json'])
	copyFileSync(join(root, file), join(appDir, file));
symlinkSync(join(root, 'node_modules'), join(appDir, 'node_modules'), 'dir');

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
app = spawn(process.execPath, ['server.js'], {
	cwd: appDir,
	stdio: ['ignore', 'pipe', 'pipe'],
	env: {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: base,
		DATABASE_PATH: join(tmp, 'tidewatch.db'),
		BUILD_DIR: join(appDir, 'build'),
		STREAM_MAX_PER_ADDRESS: '100000',
		RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
		RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000'
	}
});
await new Promise((ready, fail) => {
	let out = '';
	setTimeout(() => fail(new Error(`the server did not start:\n${out}`)), 30_000).unref();
	const read = (chunk) => {
		out += chunk;
		if (out.includes('Listening on')) ready();
	};
	app.stdout.on('data', read);
	app.stderr.on('data', read);
	app.once('exit', (code) => fail(new Error(`the server exited with ${code}:\n${out}`)));
});

const http = httpClient(base, 8);
const { admin, publicEntries } = await buildGathering({
	must: http.must,
	entries: options.entries,
	locations: options.locations,
	log
});

/** `/` as a phone's browser reads it: gzip, public. */
async function readSchedule() {
	const started = nowMs();
	const answer = await http.must('GET', '/', { accept: 'text/html', encoding: 'gzip' });
	return { bytes: answer.bytes.length, ms: nowMs() - started };
}

const first = await readSchedule();
const keptAt = (await http.must('GET', '/api/last-event-id')).json.id;
log(`the phone read / (${first.bytes} bytes gzip) at event ${keptAt}, then went offline`);

// A day of changes: each edit moves a public entry by 15 minutes or gives it a new title.
for (let i = 0; i < options.edits; i++) {
	const entry = publicEntries[(i * 7) % publicEntries.length];
	const body =
		i % 2 === 0
			? { start: entry.start + 15 * 60_000, end: entry.end + 15 * 60_000 }
			: { title: `${entry.title} (changed ${i})` };
	await http.must('PATCH', `/api/entries/${entry.id}`, { cookie: admin, body });
}
const head = (await http.must('GET', '/api/last-event-id')).json.id;
log(`${options.edits} edits made meanwhile: the head is ${head}`);

/**
 * The stream from `from` until `live`: the bytes that crossed the wire (frames and handshake,
 * counted on the TCP socket) and the time. `compress`: offer permessage-deflate, as browsers do.
 */
function catchUp(from, compress) {
	return new Promise((done, fail) => {
		const started = nowMs();
		let tcp = null;
		let events = 0;
		const socket = new WebSocket(`${base.replace('http', 'ws')}/api/events?lastEventId=${from}`, {
			origin: base,
			perMessageDeflate: compress,
			createConnection: (options) => (tcp = createConnection(options))
		});
		socket.on('message', (data) => {
			const message = JSON.parse(data.toString());
			if (message.type === 'event') events++;
			if (message.type === 'live') {
				const bytes = tcp.bytesRead;
				socket.close();
				done({ bytes, events, ms: nowMs() - started, lastEventId: message.lastEventId });
			}
		});
		socket.once('error', fail);
	});
}

const caughtUp = await catchUp(keptAt, true);
const caughtUpPlain = await catchUp(keptAt, false);
const reload = await readSchedule();

/** `count` phones back at once, each catching up from the same kept id: until the last is live. */
async function crowdCatchUp(count, compress) {
	const started = nowMs();
	const each = await Promise.all(Array.from({ length: count }, () => catchUp(keptAt, compress)));
	const bytes = each.reduce((sum, one) => sum + one.bytes, 0);
	return {
		phones: count,
		bytes,
		ms: nowMs() - started,
		slowestMs: Math.max(...each.map((one) => one.ms))
	};
}
const crowd = await crowdCatchUp(options.crowd, true);
const crowdPlain = await crowdCatchUp(options.crowd, false);
log(
	`${options.crowd} phones at once: the last live after ${round(crowd.ms)} ms compressed ` +
		`(${crowd.bytes} bytes), ${round(crowdPlain.ms)} ms not (${crowdPlain.bytes} bytes)`
);
log(
	`catch-up: ${caughtUp.events} events, ${caughtUp.bytes} bytes compressed in ` +
		`${round(caughtUp.ms)} ms (${caughtUpPlain.bytes} bytes in ${round(caughtUpPlain.ms)} ms ` +
		`by a client that offers no compression); ` +
		`a reload of /: ${reload.bytes} bytes gzip in ${round(reload.ms)} ms`
);
http.close();

// ---------------------------------------------------------------- on the device

const browser = await chromium.launch({
	executablePath: browserPath,
	args: process.getuid?.() === 0 ? ['--no-sandbox'] : []
});
const page = await (await browser.newContext()).newPage();
await page.goto(`${base}/`);
await page.evaluate(async () => {
	await navigator.serviceWorker.ready;
	if (!navigator.serviceWorker.controller)
		await new Promise((r) =>
			navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })
		);
});
const days = await page.$$eval('a[href*="days/"]', (links) => [
	...new Set(links.map((link) => new URL(link.href).pathname))
]);
for (const path of ['/', ...days.slice(0, 4), '/changes']) {
	await page.goto(`${base}${path}`);
	await page.waitForSelector('html[data-hydrated="true"]');
}
const device = await page.evaluate(async () => {
	// The service worker writes a page once told whose it is: wait for the last one.
	await new Promise((r) => setTimeout(r, 1000));
	const estimate = await navigator.storage.estimate();
	const kept = await new Promise((resolve, reject) => {
		const open = indexedDB.open('tidewatch-kept');
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const all = open.result.transaction('pages').objectStore('pages').getAll();
			all.onsuccess = () => resolve(all.result);
		};
	});
	return {
		usage: estimate.usage,
		details: estimate.usageDetails ?? null,
		keptPages: kept.length,
		keptBodyBytes: kept.reduce((sum, page) => sum + page.body.length, 0)
	};
});
await browser.close();
log(
	`on the device: ${device.keptPages} pages kept, ${device.keptBodyBytes} bytes of bodies; ` +
		`the browser counts ${device.usage} bytes ${JSON.stringify(device.details)}`
);

const results = {
	when: new Date().toISOString(),
	options,
	keptAt,
	head,
	firstRead: first,
	catchUp: caughtUp,
	catchUpUncompressed: caughtUpPlain,
	crowd,
	crowdUncompressed: crowdPlain,
	reload,
	catchUpBytesOfReload: round(caughtUp.bytes / reload.bytes, 3),
	device
};
writeFileSync(resolve(root, options.output), `${JSON.stringify(results, null, '\t')}\n`);
log(`written to ${options.output}`);
process.exit(0);
