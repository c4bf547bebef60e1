// `npm run demo [-- --database <file>] [--no-start]`: a realistic gathering to look at in one
// minute. It makes a new demo database (never your own: data/demo.db unless told otherwise,
// and never over an existing file), starts the built app on it on a private port, fills it
// through the app's own HTTP API as its admin and crew would (so every change is a normal change
// with its event in the log, and no SQL is written outside the app), stops that server, prints
// the logins, then serves the demo on PORT (3000) until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Person } from './demo/api.js';
import { demoGathering, demoPassword, demoSettings, demoUsers } from './demo/gathering.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'Usage: npm run demo [-- --database data/demo.db] [--no-start]';

function fail(message, code = 1) {
	console.error(message);
	process.exit(code);
}

let options;
try {
	options = parseArgs({
		options: { database: { type: 'string' }, 'no-start': { type: 'boolean' } }
	}).values;
} catch (error) {
	fail(`${error instanceof Error ? error.message : error}\n${usage}`, 2);
}
const database = resolve(options.database ?? 'data/demo.db');
const shown = options.database ?? 'data/demo.db';
const startCommand = `DATABASE_PATH=${shown} npm start`;

if (existsSync(database)) {
	fail(
		`${shown} exists: the demo never writes over a database.\n` +
			`To look at it again: ${startCommand}\n` +
			`For a fresh demo, delete it first: rm ${shown} ${shown}-wal ${shown}-shm`
	);
}

// BUILD_DIR: the build to serve, as server.js reads it (and `npm run build` writes it).
const buildDir = process.env.BUILD_DIR || 'build';
if (!existsSync(resolve(root, buildDir, 'index.js'))) {
	console.log(`No ${buildDir}/ yet: building the app once (npm run build).`);
	const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (built.status !== 0) process.exit(built.status ?? 1);
}

const freePort = () =>
	new Promise((done, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});

/** The built app on a private loopback port, with room for the demo's few registrations. */
async function startFiller() {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['server.js'], {
		cwd: root,
		env: {
			...process.env,
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: origin,
			DATABASE_PATH: database,
			LOG_LEVEL: 'warn',
			RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '1000'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	await new Promise((ready, failed) => {
		child.stdout.on('data', (chunk) => {
			output += chunk;
			if (output.includes('Listening on')) ready();
		});
		child.stderr.on('data', (chunk) => (output += chunk));
		child.once('exit', (code) => failed(new Error(`the app exited with ${code}:\n${output}`)));
	});
	const stop = () =>
		new Promise((done) => {
			if (child.exitCode !== null) return done();
			child.once('exit', () => done());
			child.kill('SIGTERM');
		});
	return { origin, stop };
}

/** Sends the whole gathering through the API; answers what it made. */
async function fill(origin) {
	const plan = demoGathering(Date.now());
	const people = new Map(demoUsers.map((user) => [user.name, new Person(origin)]));
	const admin = people.get(demoUsers[0].name);

	for (const user of demoUsers) {
		const person = people.get(user.name);
		const { data } = await person.call('POST', '/api/auth/register', {
			name: user.name,
			password: demoPassword
		});
		if (user.type !== data.type) {
			await admin.call('PATCH', `/api/users/${data.id}`, { type: user.type });
		}
	}
	await admin.call('PATCH', '/api/settings', demoSettings);

	const locationIds = new Map();
	for (const location of plan.locations) {
		const { data } = await admin.call('POST', '/api/locations', {
			name: location.name,
			description: location.description
		});
		locationIds.set(location.key, data.id);
	}

	const entryIds = [];
	for (const entry of plan.entries) {
		const { data } = await admin.call('POST', '/api/entries', {
			title: entry.title,
			description: entry.description,
			locationId: entry.location ? locationIds.get(entry.location) : null,
			start: entry.start,
			end: entry.end,
			visibility: entry.visibility,
			crewNotes: entry.crewNotes
		});
		entryIds.push(data.id);
	}

	// A user's id, for the shifts the admin assigns.
	const { data: users } = await admin.call('GET', '/api/users');
	const userIds = new Map(users.map((user) => [user.name, user.id]));
	const now = Date.now();
	let places = 0;
	for (const shift of plan.shifts) {
		const over = shift.end <= now;
		const { data } = await admin.call('POST', '/api/shifts', {
			role: shift.role,
			locationId: shift.location ? locationIds.get(shift.location) : null,
			start: shift.start,
			end: shift.end,
			needed: shift.needed,
			notes: shift.notes,
			// Nobody can take a place on a shift that is over: the admin records who worked it.
			crewIds: over ? shift.crew.map((name) => userIds.get(name)) : []
		});
		if (over) places += shift.crew.length;
		else {
			for (const name of shift.crew) {
				// 409: it overlaps a shift this person holds, so the place stays free.
				const { status } = await people
					.get(name)
					.call('POST', `/api/shifts/${data.id}/signup`, undefined, [200, 409]);
				if (status === 200) places++;
			}
		}
	}

	for (const interest of plan.interests) {
		await people
			.get(interest.user)
			.call('PUT', `/api/auth/account/interests/${entryIds[interest.entry]}`);
	}

	const count = (visibility) => plan.entries.filter((e) => e.visibility === visibility).length;
	return {
		days: plan.dates,
		locations: plan.locations.length,
		entries: plan.entries.length,
		public: count('public'),
		crew: count('crew'),
		draft: count('draft'),
		shifts: plan.shifts.length,
		places,
		interests: plan.interests.length
	};
}

console.log(`Making a demo gathering in ${shown} (your own database is not touched).`);
const started = Date.now();
const filler = await startFiller();
let made;
try {
	made = await fill(filler.origin);
} catch (error) {
	await filler.stop();
	fail(
		`The demo stopped: ${error instanceof Error ? error.message : error}\n` +
			`Delete ${shown} before trying again.`
	);
}
await filler.stop();

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const logins = (type) =>
	demoUsers
		.filter((user) => user.type === type)
		.map((user) => user.name)
		.join(', ');
console.log(
	[
		`Done in ${seconds} s, all through the app's API: "${demoSettings.name}", ${demoSettings.timeZone}, ${made.days[0]} to ${made.days.at(-1)}.`,
		`  ${made.locations} locations, ${made.entries} entries: ${made.public} public, ${made.crew} crew-only, ${made.draft} drafts`,
		`  ${made.shifts} shifts with ${made.places} places taken, ${made.interests} marks by ${demoUsers.length} users`,
		'',
		`Log in with the password "${demoPassword}" as:`,
		`  ${logins('admin')}  (admin: sees and edits everything, drafts included, under /admin)`,
		`  ${logins('crew')}  (crew: also crew-only entries, their notes, /shifts)`,
		`  ${logins('regular')}  (regular users: the public schedule, marks and /my)`,
		'or look without logging in, as the public does.'
	].join('\n')
);

if (options['no-start']) {
	console.log(`\nStart the app on it with: ${startCommand}`);
} else {
	const port = process.env.PORT || '3000';
	console.log(
		`\nServing the demo on http://localhost:${port} (Ctrl-C stops it; later: ${startCommand}).`
	);
	process.env.DATABASE_PATH = database;
	process.chdir(root);
	await import('../server.js');
}
