import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBuildDir } from '../helpers/build';
import { Client } from '../helpers/client';
import { freshDatabase, inDatabase, type FreshDatabase } from '../helpers/postgres';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, lastEventId, type EventMessage } from '../helpers/stream';

/*
 * `npm run migrate-to-postgres`, run for real (`node scripts/command.js migrate-to-postgres`)
 * on the demo's database with a row in every table, some events pruned: then the app on
 * PostgreSQL knows every password and session, replays the same events under the same ids
 * from an old cursor, answers the schedule as before and goes on from the same head.
 */

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tidewatch-migrate-'));
const demo = join(dir, 'demo.db');
const password = 'tidewatch-demo';

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

function migrate(env: Record<string, string>): Promise<Run> {
	const started = performance.now();
	return new Promise((done) => {
		execFile(
			process.execPath,
			['scripts/command.js', 'migrate-to-postgres'],
			{ cwd: root, env: { ...process.env, BUILD_DIR: testBuildDir, ...env }, timeout: 120_000 },
			(error, stdout, stderr) =>
				done({
					status: error ? ((error.code as number | null) ?? 1) : 0,
					stdout,
					stderr,
					ms: performance.now() - started
				})
		);
	});
}

/** Rows of each table, and the head: what a refused copy must leave as it was. */
function postgresState(url: string) {
	return inDatabase(url, async (client) => {
		const { rows } = await client.query<{ name: string }>(
			`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`
		);
		const state: Record<string, number> = {};
		for (const { name } of rows) {
			const counted = await client.query(`SELECT count(*) AS n FROM "${name}"`);
			state[name] = Number(counted.rows[0].n);
		}
		const head = await client.query('SELECT last_id FROM event_head');
		state.head = Number(head.rows[0].last_id);
		return state;
	});
}

/** Straight into the demo's file, as only a test may (the app is stopped or busy-waits). */
function onDemo<T>(body: (db: Database.Database) => T): T {
	const db = new Database(demo);
	db.pragma('busy_timeout = 5000');
	try {
		return body(db);
	} finally {
		db.close();
	}
}

/** The tables the copy must carry: all of SQLite's but its own and the migration record. */
const tablesOf = (db: Database.Database) =>
	(
		db
			.prepare(
				`SELECT name FROM sqlite_schema WHERE type = 'table'
				AND name NOT LIKE 'sqlite_%' AND name != 'migration'`
			)
			.pluck()
			.all() as string[]
	).sort();

/** A copy of the demo's file, changed by `change`, for the refusals. */
async function demoCopy(name: string, change: (db: Database.Database) => void): Promise<string> {
	const path = join(dir, name);
	const source = new Database(demo, { readonly: true });
	await source.backup(path);
	source.close();
	const db = new Database(path);
	change(db);
	db.close();
	return path;
}

async function loggedIn(url: string, name: string, secret = password): Promise<Client> {
	const client = new Client(url);
	const response = await client.login(name, secret);
	expect(response.status, await response.clone().text()).toBe(200);
	return client;
}

/** The schedule as each level reads it through the API. */
async function scheduleAnswers(url: string, admin: Client) {
	const visitor = new Client(url);
	const read = async (client: Client, path: string) => {
		const response = await client.fetch(path);
		expect(response.status, path).toBe(200);
		return response.json();
	};
	const users = (await read(admin, '/api/users')) as Record<string, unknown>[];
	return {
		entries: await read(admin, '/api/entries'),
		publicEntries: await read(visitor, '/api/entries'),
		locations: await read(visitor, '/api/locations'),
		shifts: await read(admin, '/api/shifts'),
		settings: await read(visitor, '/api/settings'),
		invitations: await read(admin, '/api/invitations'),
		// Logging in moves lastSeenAt; everything else of a user stays.
		users: users.map((user) =>
			Object.fromEntries(Object.entries(user).filter(([key]) => key !== 'lastSeenAt'))
		)
	};
}

describe('npm run migrate-to-postgres', () => {
	let sqliteServer: TestServer;
	let server: TestServer | undefined;
	let target: FreshDatabase;
	let admin: Client;
	let cursor: number;
	let head: number;
	let replayed: EventMessage[];
	let before: Awaited<ReturnType<typeof scheduleAnswers>>;
	let copied: Run;
	const released: FreshDatabase[] = [];

	beforeAll(async () => {
		await new Promise<void>((done, fail) =>
			execFile(
				process.execPath,
				['scripts/demo.js', '--database', demo, '--no-start'],
				{ cwd: root, timeout: 90_000 },
				(error) => (error ? fail(error) : done())
			)
		);
		// On the SQLite file, whichever database the run's other servers use.
		sqliteServer = await startServer({ DATABASE_PATH: demo, DATABASE_URL: '' });
		const url = sqliteServer.url;
		admin = await loggedIn(url, 'ada-admin');
		// A row in every table: an invitation, a reset link, a feed, an ended session, an attempt.
		expect((await admin.json('/api/invitations', 'POST', {})).status).toBe(201);
		const fay = await loggedIn(url, 'fay');
		const fayId = ((await (await fay.fetch('/api/auth/account')).json()) as { id: string }).id;
		expect((await admin.json(`/api/users/${fayId}/password-reset`, 'POST', {})).status).toBe(201);
		const feed = await fay.json('/api/auth/account/calendar', 'POST');
		expect(feed.status).toBe(201);
		expect((await fetch(`${url}/schedule.ics`)).status).toBe(200);
		const leaving = await loggedIn(url, 'ben-crew');
		expect((await leaving.json('/api/auth/session', 'DELETE')).status).toBe(204);
		expect((await new Client(url).login('ben-crew', 'not the password')).status).toBe(401);
		// A theft's record, which no request makes at will; and the oldest events pruned.
		onDemo((db) => {
			db.prepare(
				`INSERT INTO security_record (user_id, kind, created_at, user_agent, other_user_agent)
				VALUES (?, 'session-taken', ?, 'one browser', 'another')`
			).run(fayId, Date.now());
			db.prepare('DELETE FROM event WHERE id <= 100').run();
		});
		const empty = onDemo((db) =>
			tablesOf(db).filter((name) => !db.prepare(`SELECT 1 FROM "${name}"`).get())
		);
		expect(empty, 'every table has a row to copy').toEqual([]);

		const stream = await connectStream(sqliteServer, {
			lastEventId: (await lastEventId(sqliteServer)) - 250,
			cookie: admin.cookieHeader
		});
		// The last change is one the admin sees: the replay has come through once it arrives.
		const renamed = await admin.json('/api/settings', 'PATCH', { name: 'Harbour Days' });
		expect(renamed.status).toBe(200);
		head = await lastEventId(sqliteServer);
		expect(head).toBeGreaterThan(400);
		cursor = head - 251;
		await stream.waitForEvent(head);
		replayed = stream.events;
		stream.close();
		before = await scheduleAnswers(url, admin);
		expect(await sqliteServer.stop()).toBe(0);

		target = await freshDatabase();
		copied = await migrate({ DATABASE_PATH: demo, DATABASE_URL: target.url });
		expect(copied.status, copied.stderr).toBe(0);
		server = await startServer({ DATABASE_URL: target.url });
		// The same browser, its cookie as it was, now talking to the app on PostgreSQL.
		const moved = new Client(server.url);
		for (const [name, value] of admin.cookies) moved.cookies.set(name, value);
		admin = moved;
	}, 240_000);

	afterAll(async () => {
		await server?.close();
		await sqliteServer?.close();
		for (const database of [target, ...released]) await database?.release();
		rmSync(dir, { recursive: true, force: true });
	});

	it('copies every row and says so, with the last event id', async () => {
		const rows = Number(/: (\d+) rows in/.exec(copied.stdout)?.[1]);
		const seconds = Number(/in ([\d.]+) s\./.exec(copied.stdout)?.[1]);
		console.log(
			`migrate-to-postgres: ${rows} rows of the demo in ${seconds} s as the command counts ` +
				`(${Math.round(rows / seconds)} rows/s), ${copied.ms.toFixed(0)} ms with its process`
		);
		expect(copied.stdout).toContain(`last event id ${head}`);
		const state = await postgresState(target.url);
		const counts = onDemo((db) =>
			tablesOf(db).map((name) => [name, db.prepare(`SELECT count(*) FROM "${name}"`).pluck().get()])
		);
		expect(counts.length).toBeGreaterThanOrEqual(18);
		for (const [name, n] of counts) expect(state[name as string], name as string).toBe(n);
		expect(state.head).toBe(head);
	});

	it('a stream from an old cursor replays exactly the same events under the same ids', async () => {
		const stream = await connectStream(server!, {
			lastEventId: cursor,
			cookie: admin.cookieHeader
		});
		await stream.waitForEvent(head);
		await stream.flush();
		expect(stream.messages[0]).toMatchObject({ type: 'connected', lastEventId: head });
		expect(stream.events).toEqual(replayed);
		expect(replayed.length).toBeGreaterThan(100);
		stream.close();
		// A cursor among the pruned events is told to resync, as on SQLite.
		const pruned = await connectStream(server!, { lastEventId: 50 });
		expect(await pruned.waitForClose()).toMatchObject({ code: 4002 });
	});

	it('the schedule API answers as before, and the next change gets the next id', async () => {
		expect(await scheduleAnswers(server!.url, admin)).toEqual(before);
		const stream = await connectStream(server!, {
			lastEventId: head,
			cookie: admin.cookieHeader
		});
		const renamed = await admin.json('/api/settings', 'PATCH', { name: 'Harbour Days, moved' });
		expect(renamed.status, await renamed.clone().text()).toBe(200);
		const settings = await renamed.json();
		await stream.waitFor(
			() => stream.events.some((event) => event.event.type === 'settings-update'),
			'the settings-update'
		);
		const ids = stream.events.map((event) => event.id);
		stream.close();
		// The log goes on from SQLite's head, with no gap: the first change after the move is head + 1.
		const next = await inDatabase(target.url, async (client) => {
			const { rows } = await client.query('SELECT id FROM event WHERE id > $1 ORDER BY id', [head]);
			return rows.map((row) => Number(row.id));
		});
		expect(next[0]).toBe(head + 1);
		expect(next).toEqual(next.map((_, i) => head + 1 + i));
		expect(ids.every((id) => next.includes(id))).toBe(true);
		expect(settings).toMatchObject({ name: 'Harbour Days, moved' });
	});

	it('users log in with their old passwords, and an old session cookie still works', async () => {
		const response = await admin.fetch('/api/auth/account');
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ name: 'ada-admin', type: 'admin' });
		await loggedIn(server!.url, 'fay');
		await loggedIn(server!.url, 'ben-crew');
		expect((await new Client(server!.url).login('fay', 'wrong password')).status).toBe(401);
	});

	it('refuses a database that is not empty, and writes nothing', async () => {
		const state = await postgresState(target.url);
		const again = await migrate({ DATABASE_PATH: demo, DATABASE_URL: target.url });
		expect(again.status).toBe(1);
		expect(again.stderr).toMatch(/The PostgreSQL database is not empty \(user \d+, event \d+/);
		expect(await postgresState(target.url)).toEqual(state);
	});

	it('refuses a missing file, another migration version, a table or column PostgreSQL lacks', async () => {
		const fresh = await freshDatabase();
		released.push(fresh);
		const empty = await postgresState(fresh.url);
		const refusals: [string, RegExp][] = [
			[join(dir, 'missing.db'), /No SQLite database at .*missing\.db/],
			[
				await demoCopy('newer.db', (db) =>
					db.prepare(`INSERT INTO migration VALUES (999, 'from the future', 0)`).run()
				),
				/The SQLite file is at migration 999/
			],
			[
				await demoCopy('extra.db', (db) => db.exec('CREATE TABLE extra (id INTEGER)')),
				/PostgreSQL has no table extra/
			]
		];
		for (const [path, message] of refusals) {
			const run = await migrate({ DATABASE_PATH: path, DATABASE_URL: fresh.url });
			expect(run.status, path).toBe(1);
			expect(run.stderr).toMatch(message);
			expect(await postgresState(fresh.url)).toEqual(empty);
		}
		expect(existsSync(join(dir, 'missing.db'))).toBe(false);

		// A column PostgreSQL lacks, or spells with another type, is named.
		const alter = (sql: string) => inDatabase(fresh.url, (client) => client.query(sql));
		await alter('ALTER TABLE audit DROP COLUMN changes');
		await alter('ALTER TABLE shift ALTER COLUMN needed TYPE integer');
		try {
			const run = await migrate({ DATABASE_PATH: demo, DATABASE_URL: fresh.url });
			expect(run.status).toBe(1);
			expect(run.stderr).toContain('PostgreSQL has no column audit.changes');
			expect(run.stderr).toContain('shift.needed is INTEGER in SQLite but integer in PostgreSQL');
			expect(await postgresState(fresh.url)).toEqual(empty);
		} finally {
			await alter('ALTER TABLE audit ADD COLUMN changes text COLLATE "C"');
			await alter('ALTER TABLE shift ALTER COLUMN needed TYPE bigint');
		}
	});

	it('keeps the last event id when every event was pruned, into a database an instance only started on', async () => {
		const fresh = await freshDatabase();
		released.push(fresh);
		// An instance started on the empty database and looked at: its settings from the
		// environment, a feed version and an attempt are replaced by the file's.
		const started = await startServer({ DATABASE_URL: fresh.url });
		expect((await fetch(`${started.url}/schedule.ics`)).status).toBe(200);
		expect((await new Client(started.url).login('nobody', 'password123')).status).toBe(401);
		await started.close();
		const path = await demoCopy('pruned.db', (db) => db.exec('DELETE FROM event'));
		const run = await migrate({ DATABASE_PATH: path, DATABASE_URL: fresh.url });
		expect(run.status, run.stderr).toBe(0);
		const state = await postgresState(fresh.url);
		expect(state.event).toBe(0);
		expect(state.head).toBe(head);
		const settings = await inDatabase(fresh.url, (client) =>
			client.query('SELECT name FROM settings')
		);
		expect(settings.rows).toEqual([{ name: 'Harbour Days' }]);
		// The audit trail goes on after its last id, too.
		const next = await inDatabase(fresh.url, async (client) => {
			const { rows } = await client.query(
				`INSERT INTO audit (at, action) VALUES (0, 'test') RETURNING id`
			);
			return Number(rows[0].id);
		});
		const sqlite = new Database(path, { readonly: true });
		const lastAudit = sqlite.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'audit'`);
		expect(next).toBe((lastAudit.pluck().get() as number) + 1);
		sqlite.close();
	});
});
