import { closeStorage } from '$lib/server/storage';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOtherOwnSessions, endOwnSession } from '$lib/server/auth/own-sessions';
import { checkSessionToken } from '$lib/server/auth/session-check';
import { getDb, onSessionEnded } from '../helpers/storage';
import type { SessionEnd } from '$lib/server/storage';
import { startSession } from '$lib/server/auth/session-start';
import { getConfig } from '$lib/server/config';
import { migrate, migrations } from '$lib/server/storage/sqlite/migrations';
import type { ServerSession } from '$lib/server/types';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { fromEventRow, type EventRow } from '$lib/server/events/stored-event';
import { registerUser } from '$lib/server/users/register';

// A real database file: what is measured is what a server would write to disk.
const configKey = Symbol.for('tidewatch.config');
const dir = mkdtempSync(join(tmpdir(), 'tidewatch-login-events-'));
const saved = { ...process.env };

function useDatabase(env: Record<string, string>) {
	void closeStorage();
	delete (globalThis as Record<symbol, unknown>)[configKey];
	Object.assign(process.env, env);
}

beforeAll(() =>
	useDatabase({ DATABASE_PATH: join(dir, 'tidewatch.db'), SESSION_MAX_LOGINS_PER_USER: '20' })
);
afterAll(() => {
	void closeStorage();
	process.env = saved;
	delete (globalThis as Record<symbol, unknown>)[configKey];
	rmSync(dir, { recursive: true, force: true });
});

/** Bytes the database holds, the write-ahead log folded in first. */
function databaseBytes(): number {
	const db = getDb();
	db.pragma('wal_checkpoint(TRUNCATE)');
	return (
		(db.pragma('page_count', { simple: true }) as number) *
		(db.pragma('page_size', { simple: true }) as number)
	);
}

function eventsAfter(id: number): StoredEvent[] {
	return (
		getDb()
			.prepare('SELECT id, type, data, created_at FROM event WHERE id > ? ORDER BY id')
			.all(id) as EventRow[]
	).map(fromEventRow);
}

const lastEventId = () =>
	(getDb().prepare('SELECT MAX(id) FROM event').pluck().get() as number | null) ?? 0;

// A long, real browser's user agent: the list shows it, so every login event carries it.
const userAgent =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 ' +
	'x'.repeat(400);

describe('personal events of logins', () => {
	it('a login writes one small event naming that login alone, however many logins exist', async () => {
		const user = await registerUser({ name: `small-${Date.now()}`, password: 'password1' });
		const sizes: number[] = [];
		for (let i = 0; i < 10; i++) {
			const before = lastEventId();
			const { session } = await startSession(user.id, userAgent);
			const events = eventsAfter(before);
			expect(events).toEqual([
				expect.objectContaining({
					type: 'session-update',
					data: {
						userId: user.id,
						session: {
							id: session.family,
							createdAt: session.familyCreatedAt,
							lastSeenAt: session.lastSeenAt,
							userAgent: userAgent.slice(0, 512)
						}
					}
				})
			]);
			sizes.push(JSON.stringify(events[0].data).length);
		}
		expect(new Set(sizes).size).toBe(1);
		expect(sizes[0]).toBeLessThan(1024);
	});

	it('3,000 logins by one user grow the database by less than 5 MB', async () => {
		const user = await registerUser({ name: `many-${Date.now()}`, password: 'password1' });
		const before = databaseBytes();
		const start = Date.now();
		for (let i = 0; i < 3000; i++) await startSession(user.id, userAgent, start + i);
		const grown = databaseBytes() - before;
		console.log(
			`3,000 logins by one user (user agent ${userAgent.length} characters): the database grew ` +
				`by ${(grown / 1024 / 1024).toFixed(2)} MB (${grown} bytes)`
		);
		expect(grown).toBeLessThan(5 * 1024 * 1024);
		const live = getDb()
			.prepare('SELECT COUNT(DISTINCT family) FROM session WHERE user_id = ?')
			.pluck()
			.get(user.id);
		expect(live).toBe(20);
	}, 120_000);
});

describe('the cap on live logins', () => {
	it('a login beyond the cap ends the least recently used login, announced, in the same change', async () => {
		useDatabase({ DATABASE_PATH: ':memory:', SESSION_MAX_LOGINS_PER_USER: '3' });
		const ended: SessionEnd[] = [];
		const stop = onSessionEnded((end) => ended.push(end));
		try {
			const user = await registerUser({ name: 'capped', password: 'password1' });
			const t = Date.now();
			const first = await startSession(user.id, 'first', t);
			const second = await startSession(user.id, 'second', t + 1);
			await startSession(user.id, 'third', t + 2);
			// The first login was used since: the second is now the least recently used.
			getDb()
				.prepare('UPDATE session SET last_seen_at = ? WHERE id = ?')
				.run(t + 3, first.session.id);
			expect(ended).toEqual([]);
			const before = lastEventId();
			const fourth = await startSession(user.id, 'fourth', t + 4);

			const families = getDb()
				.prepare('SELECT family FROM session WHERE user_id = ? ORDER BY created_at')
				.pluck()
				.all(user.id);
			expect(families).toHaveLength(3);
			expect(families).not.toContain(second.session.family);
			expect(ended).toEqual([{ family: second.session.family, reason: 'revoked' }]);
			const events = eventsAfter(before);
			expect(events.map((e) => e.type)).toEqual(['session-update', 'session-delete']);
			expect(events[1].data).toEqual({ userId: user.id, id: second.session.family });
			// One change: one commit time for the login and the ending it caused.
			expect(new Set(events.map((e) => e.createdAt))).toEqual(new Set([t + 4]));
			expect(events[0].data).toMatchObject({ session: { id: fourth.session.family } });
		} finally {
			stop();
		}
	});
});

describe('every ending of a login tells the sessions list with one small event', () => {
	const types = (events: StoredEvent[]) => events.map((e) => [e.type, e.data]);

	it('ending one login, and every other login, deletes each from the list', async () => {
		useDatabase({ DATABASE_PATH: ':memory:', SESSION_MAX_LOGINS_PER_USER: '20' });
		const user = await registerUser({ name: 'ender', password: 'password1' });
		const logins: ServerSession[] = [];
		for (let i = 0; i < 4; i++) logins.push((await startSession(user.id, 'x')).session);
		const [a, b, c, d] = logins;
		let before = lastEventId();
		await endOwnSession(a, b.family);
		expect(types(eventsAfter(before))).toEqual([
			['session-delete', { userId: user.id, id: b.family }]
		]);
		before = lastEventId();
		await endOtherOwnSessions(a);
		expect(types(eventsAfter(before)).sort()).toEqual(
			[
				['session-delete', { userId: user.id, id: c.family }],
				['session-delete', { userId: user.id, id: d.family }]
			].sort()
		);
	});

	it('rotation writes no event; theft deletes the login and adds its security record', async () => {
		useDatabase({ DATABASE_PATH: ':memory:', SESSION_MAX_LOGINS_PER_USER: '20' });
		const { SESSION_ROTATE_SECONDS: rotate, SESSION_GRACE_SECONDS: grace } = getConfig();
		const user = await registerUser({ name: 'robbed', password: 'password1' });
		const { token, session } = await startSession(user.id, 'owner');
		const at = session.createdAt + rotate * 1000;
		let before = lastEventId();
		const rotated = await checkSessionToken(token, {
			userAgent: 'owner',
			mayRotate: true,
			now: at
		});
		await checkSessionToken(rotated.newToken!, {
			userAgent: 'owner',
			mayRotate: true,
			now: at + 10
		});
		expect(eventsAfter(before)).toEqual([]);

		before = lastEventId();
		const later = at + grace * 1000;
		await checkSessionToken(token, { userAgent: 'thief', mayRotate: true, now: later });
		expect(types(eventsAfter(before))).toEqual([
			['session-delete', { userId: user.id, id: session.family }],
			[
				'security-record',
				{
					userId: user.id,
					record: {
						kind: 'session-taken',
						createdAt: later,
						userAgent: 'thief',
						otherUserAgent: 'owner'
					}
				}
			]
		]);
	});
});

describe('migration 2', () => {
	it('deletes the old whole-list sessions events and keeps every other event', async () => {
		const db = new Database(':memory:');
		migrate(db, migrations.slice(0, 1));
		const insert = db.prepare('INSERT INTO event (type, data, created_at) VALUES (?, ?, 1)');
		insert.run('user-update', '{}');
		insert.run('sessions-update', '{"userId":"u","sessions":[],"securityRecords":[]}');
		insert.run('user-delete', '{}');
		expect(migrate(db)).toContain(2);
		expect(db.prepare('SELECT type FROM event ORDER BY id').pluck().all()).toEqual([
			'user-update',
			'user-delete'
		]);
		db.close();
	});
});
