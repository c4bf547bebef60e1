// `node bench/crew.js` (and the end of `npm run bench`): the crew scenario of issue 13 against
// the built production server, in its own process with its own server and database.
//
//   1. With 2,000 entries, 500 shifts and 300 crew (each marked some entries, and holds some
//      shifts), how long `/shifts` and `/my` take to render for a crew member, next to `/`.
//   2. 300 crew signing up at once for 100 shifts with fewer places than asks: sign-ups per
//      second, and the count check: no shift over capacity, no lost or duplicated sign-up, and a
//      crew member's open stream ends up holding exactly what the database holds.
//
// Options (each --name value or --name=value): --crew 300, --entries 2000, --shifts 500,
// --storm-shifts 100, --storm-needed 2, --asks 2 (shifts each crew member tries in the storm),
// --renders 30 (timed renders per page), --output bench/crew-results.json; --quick (60 crew,
// 400 entries, 100 shifts, 20 storm shifts, 10 renders: about 20 s, for CI).
//
// It builds nothing: it runs build/ as it is. Exit 1 when a count check fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { httpClient, nowMs, parseOptions, pool, round, seeded, summarise } from './lib.js';

const root = resolve(import.meta.dirname, '..');
const defaults = {
	crew: 300,
	entries: 2000,
	shifts: 500,
	stormShifts: 100,
	stormNeeded: 2,
	asks: 2,
	renders: 30,
	output: join(root, 'bench', 'crew-results.json')
};
const quick = { crew: 60, entries: 400, shifts: 100, stormShifts: 20, renders: 10 };

let options;
try {
	options = parseOptions(process.argv.slice(2), defaults, quick, { paths: ['output'] });
} catch (error) {
	console.error(`bench/crew: ${error.message}`);
	process.exit(2);
}
// BUILD_DIR names the build as it does for server.js.
const buildDir = resolve(root, process.env.BUILD_DIR || 'build');
if (!existsSync(join(buildDir, 'index.js'))) {
	console.error(`bench/crew: ${buildDir} is missing. Run \`npm run build\` first.`);
	process.exit(1);
}

const log = (...args) => console.log(`[crew ${((nowMs() - t0) / 1000).toFixed(1)} s]`, ...args);
const t0 = nowMs();
const hour = 3_600_000;
// The gathering: four days, a week from now, so no shift is over while the benchmark runs.
const day0 = Math.floor(Date.now() / hour) * hour + 7 * 24 * hour;

// ---------------------------------------------------------------- the server

const tmp = mkdtempSync(join(os.tmpdir(), 'tidewatch-crew-'));
const dbPath = join(tmp, 'tidewatch.db');
const port = await new Promise((done, fail) => {
	const probe = createServer();
	probe.once('error', fail);
	probe.listen(0, '127.0.0.1', () => {
		const { port } = probe.address();
		probe.close(() => done(port));
	});
});
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['server.js'], {
	cwd: root,
	env: {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: String(port),
		ORIGIN: base,
		DATABASE_PATH: dbPath,
		BUILD_DIR: buildDir,
		LOG_LEVEL: 'error',
		// Every crew member registers from 127.0.0.1, far more than one visitor may.
		RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '100000',
		// One crew member marks 50 entries and then storms the sign-ups within the minute.
		RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
		RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000'
	},
	stdio: ['ignore', 'pipe', 'inherit']
});
const cleanUp = () => {
	if (server.exitCode === null) server.kill('SIGKILL');
	rmSync(tmp, { recursive: true, force: true });
};
process.once('exit', cleanUp);
process.once('SIGINT', () => process.exit(130));
await new Promise((ready, fail) => {
	let out = '';
	server.stdout.on('data', (chunk) => {
		out += chunk;
		if (out.includes('Listening on')) ready();
	});
	server.once('exit', (code) => fail(new Error(`the server exited with ${code}: ${out}`)));
});

// Kept-alive connections, as many as the storm sends at once.
const http = httpClient(base, options.crew * options.asks);
const { call, must } = http;

// A fixed seed: every run builds the same gathering and sends the same storm.
const { random, pick } = seeded(0x5eed);

// ---------------------------------------------------------------- the gathering

const password = 'bench-password-1234';
const admin = (
	await must('POST', '/api/auth/register', { body: { name: 'Bench admin', password } }, 201)
).cookie;
log(`registering ${options.crew} crew (an Argon2id hash each)`);
const crew = await pool(
	Array.from({ length: options.crew }, (_, i) => async () => {
		const answer = await must(
			'POST',
			'/api/auth/register',
			{ body: { name: `Crew ${i}`, password } },
			201
		);
		await must('PATCH', `/api/users/${answer.json.id}`, { cookie: admin, body: { type: 'crew' } });
		return { id: answer.json.id, cookie: answer.cookie };
	}),
	4
);
// The type change ended no login, but the cookies must be the current ones: ask once each.
for (const member of crew) {
	const answer = await must('GET', '/api/auth/session', { cookie: member.cookie });
	if (answer.cookie) member.cookie = answer.cookie;
}

log(`adding ${options.entries} entries at 8 locations and ${options.shifts} shifts`);
const locations = await pool(
	Array.from(
		{ length: 8 },
		(_, i) => async () =>
			(await must('POST', '/api/locations', { cookie: admin, body: { name: `Stage ${i}` } }, 201))
				.json.id
	),
	8
);
const entries = await pool(
	Array.from({ length: options.entries }, (_, i) => async () => {
		const start = day0 + Math.floor(random() * 4 * 24) * hour + (i % 4) * 15 * 60_000;
		const answer = await must(
			'POST',
			'/api/entries',
			{
				cookie: admin,
				body: {
					title: `Entry ${i}: a talk with a title of ordinary length`,
					description: 'A description of a paragraph or so, as programmes have them. '.repeat(3),
					locationId: pick(locations),
					start,
					end: start + hour,
					visibility: random() < 0.9 ? 'public' : 'crew'
				}
			},
			201
		);
		return answer.json.id;
	}),
	16
);
const shiftIds = await pool(
	Array.from({ length: options.shifts }, (_, i) => async () => {
		const start = day0 + Math.floor(random() * 4 * 24) * hour;
		const needed = 1 + Math.floor(random() * 4);
		const crewIds = [...new Set(Array.from({ length: needed }, () => pick(crew).id))].slice(
			0,
			Math.floor(random() * (needed + 1))
		);
		// The timed crew member holds about one shift in 80, so /my shows shifts (and clashes).
		if (i % 80 === 0 && !crewIds.includes(crew[0].id)) crewIds.splice(0, 1, crew[0].id);
		const body = { role: `Duty ${i}`, locationId: pick(locations), start, end: start + 3 * hour };
		const answer = await must(
			'POST',
			'/api/shifts',
			{ cookie: admin, body: { ...body, needed, crewIds, notes: 'Ask at the info desk.' } },
			201
		);
		return answer.json.id;
	}),
	16
);

// The crew member whose pages are timed marks 50 entries; every other one marks 5.
const measured = crew[0];
const marks = crew.flatMap((member, i) =>
	Array.from({ length: i === 0 ? 50 : 5 }, () => [member, pick(entries)])
);
await pool(
	marks.map(
		([member, entryId]) =>
			() =>
				call('PUT', `/api/auth/account/interests/${entryId}`, { cookie: member.cookie })
	),
	16
);
const held = (await must('GET', '/api/shifts', { cookie: measured.cookie })).json.filter((s) =>
	s.crewIds.includes(measured.id)
).length;
log(`crew member 0 marked 50 entries and holds ${held} shifts`);

// ---------------------------------------------------------------- 1. render times

const pages = [
	['/', 'public'],
	['/', 'crew'],
	['/shifts', 'crew'],
	['/my', 'crew']
];
const times = Object.fromEntries(pages.map(([path, who]) => [`${path} (${who})`, []]));
const sizes = {};
for (const [path, who] of pages) {
	// A warm-up each, so the first render's compilation does not count.
	await must('GET', path, { cookie: who === 'crew' ? measured.cookie : undefined });
}
log(`timing ${options.renders} renders of each page`);
for (let round = 0; round < options.renders; round++) {
	for (const [path, who] of pages) {
		const started = nowMs();
		const answer = await must('GET', path, {
			cookie: who === 'crew' ? measured.cookie : undefined,
			accept: 'text/html'
		});
		times[`${path} (${who})`].push(nowMs() - started);
		sizes[`${path} (${who})`] = Buffer.byteLength(answer.text);
		if (process.env.CREW_BENCH_DUMP)
			writeFileSync(
				join(process.env.CREW_BENCH_DUMP, `${who}${path.replace(/\//g, '_')}.html`),
				answer.text
			);
	}
}
const renders = Object.fromEntries(
	Object.entries(times).map(([page, list]) => [page, { ...summarise(list), bytes: sizes[page] }])
);

// ---------------------------------------------------------------- 2. the sign-up storm

// Storm shifts on a fifth day, an hour apart and an hour long: none overlaps another, nor any
// shift a crew member already holds, so every refusal must be a full shift.
const stormDay = day0 + 5 * 24 * hour;
const stormShifts = await pool(
	Array.from(
		{ length: options.stormShifts },
		(_, i) => async () =>
			(
				await must(
					'POST',
					'/api/shifts',
					{
						cookie: admin,
						body: {
							role: `Storm ${i}`,
							start: stormDay + i * hour,
							end: stormDay + (i + 1) * hour,
							needed: options.stormNeeded
						}
					},
					201
				)
			).json.id
	),
	16
);
const places = options.stormShifts * options.stormNeeded;
const asks = crew.flatMap((member) => {
	const chosen = new Set();
	while (chosen.size < Math.min(options.asks, stormShifts.length)) chosen.add(pick(stormShifts));
	return [...chosen].map((shiftId) => ({ member, shiftId }));
});

// A crew member's stream, open through the storm: it must end up with what the database holds.
const head = (await must('GET', '/api/last-event-id')).json.id;
const watcher = new WebSocket(`ws://127.0.0.1:${port}/api/events?lastEventId=${head}`, {
	headers: { origin: base, cookie: crew[1].cookie }
});
const streamed = new Map();
let lastStreamed = head;
watcher.on('message', (data) => {
	const message = JSON.parse(data.toString());
	if (message.type !== 'event') return;
	lastStreamed = message.id;
	if (message.event.type === 'shift-update')
		streamed.set(message.event.data.id, message.event.data);
});
await new Promise((ready, fail) => {
	watcher.once('open', ready);
	watcher.once('error', fail);
});

// Open the connections first, so the storm measures sign-ups, not TCP handshakes.
await Promise.all(asks.map(() => call('GET', '/api/last-event-id')));
log(`storm: ${crew.length} crew send ${asks.length} sign-ups at once for ${places} places`);
const stormStart = nowMs();
const answers = await Promise.all(
	asks.map(async ({ member, shiftId }) => {
		const started = nowMs();
		const answer = await call('POST', `/api/shifts/${shiftId}/signup`, { cookie: member.cookie });
		return { member, shiftId, status: answer.status, json: answer.json, ms: nowMs() - started };
	})
);
const stormSeconds = (nowMs() - stormStart) / 1000;

const finalHead = (await must('GET', '/api/last-event-id')).json.id;
await new Promise((done) => {
	const check = setInterval(() => {
		if (lastStreamed >= finalHead) {
			clearInterval(check);
			done();
		}
	}, 20);
	setTimeout(() => {
		clearInterval(check);
		done();
	}, 10_000);
});
watcher.close();

// ---------------------------------------------------------------- the count check

// What the storage holds, as the app reads it for an admin: every shift with its crew.
const stored = (await must('GET', '/api/shifts', { cookie: admin })).json;
const inStorm = new Set(stormShifts);
const rows = stored
	.filter((shift) => inStorm.has(shift.id))
	.flatMap((shift) => shift.crewIds.map((userId) => ({ shiftId: shift.id, userId })));
const overCapacity = stored.filter((shift) => shift.crewIds.length > shift.needed).length;

const key = (shiftId, userId) => `${shiftId} ${userId}`;
const granted = answers.filter((a) => a.status === 200);
const refused = answers.filter((a) => a.status === 409);
const grantedKeys = new Set(granted.map((a) => key(a.shiftId, a.member.id)));
const rowKeys = new Set(rows.map((r) => key(r.shiftId, r.userId)));
const lost = [...grantedKeys].filter((k) => !rowKeys.has(k)).length;
const unanswered = [...rowKeys].filter((k) => !grantedKeys.has(k)).length;
const duplicated = rows.length - rowKeys.size;
const otherStatuses = answers.filter((a) => a.status !== 200 && a.status !== 409).length;
const refusedNotFull = refused.filter(
	(a) => a.json?.message !== 'this shift is full: every place has been taken'
).length;
// A shift with a refused sign-up was full: it must hold all its places.
const fullShifts = new Set(refused.map((a) => a.shiftId));
const countOn = (shiftId) => rows.filter((r) => r.shiftId === shiftId).length;
const underfilledButRefused = [...fullShifts].filter(
	(id) => countOn(id) !== options.stormNeeded
).length;
const streamMismatch = stormShifts.filter((id) => {
	const seen = streamed.get(id)?.crewIds ?? [];
	const inDb = rows.filter((r) => r.shiftId === id).map((r) => r.userId);
	return seen.length !== inDb.length || !inDb.every((userId) => seen.includes(userId));
}).length;

const checks = {
	'no shift over capacity (all shifts)': overCapacity === 0,
	'every 200 is a row (none lost)': lost === 0,
	'every row was answered 200 (none made up)': unanswered === 0,
	'no duplicated sign-up': duplicated === 0,
	'every refusal is 409 "full"': otherStatuses === 0 && refusedNotFull === 0,
	'a refused shift holds all its places': underfilledButRefused === 0,
	"a crew member's stream holds what the database holds": streamMismatch === 0
};

const results = {
	date: new Date().toISOString(),
	command: `node bench/crew.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
	machine: { cores: os.availableParallelism(), node: process.version },
	options,
	gathering: {
		crew: crew.length,
		entries: entries.length,
		shifts: shiftIds.length,
		marks: marks.length,
		measuredHolds: held
	},
	renders,
	storm: {
		signUps: asks.length,
		places,
		granted: granted.length,
		refused: refused.length,
		seconds: round(stormSeconds, 3),
		signUpsPerSecond: round(asks.length / stormSeconds, 0),
		latency: summarise(answers.map((a) => a.ms)),
		rows: rows.length,
		lost,
		unanswered,
		duplicated,
		overCapacity,
		streamMismatch
	},
	checks
};

console.log('');
console.log(
	`crew scenario: ${crew.length} crew, ${entries.length} entries, ${shiftIds.length} shifts, ` +
		`${marks.length} marks (the timed crew member: 50 marks, ${held} shifts)`
);
console.log('');
console.log('page                 p50 ms   p95 ms   max ms     bytes');
for (const [page, r] of Object.entries(renders)) {
	console.log(
		`${page.padEnd(18)} ${String(r.p50Ms).padStart(8)} ${String(r.p95Ms).padStart(8)} ${String(r.maxMs).padStart(8)} ${String(r.bytes).padStart(9)}`
	);
}
console.log('');
const s = results.storm;
console.log(
	`storm: ${s.signUps} sign-ups at once for ${s.places} places on ${options.stormShifts} shifts: ` +
		`${s.granted} granted, ${s.refused} refused (full), in ${s.seconds} s = ${s.signUpsPerSecond} sign-ups/s; ` +
		`latency p50 ${s.latency.p50Ms} ms, p99 ${s.latency.p99Ms} ms`
);
for (const [name, ok] of Object.entries(checks))
	console.log(`  ${ok ? 'ok    ' : 'FAILED'}  ${name}`);
writeFileSync(options.output, JSON.stringify(results, null, '\t') + '\n');
console.log(`wrote ${options.output} (${((nowMs() - t0) / 1000).toFixed(1)} s in all)`);
http.close();
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
