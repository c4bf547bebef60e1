import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventPayload, StoredEvent } from '$lib/server/events/stored-event';
import type { Change, SessionEnd } from '$lib/server/storage';
import { migrations } from '$lib/server/storage/postgres/migrations';
import { PostgresStorage } from '$lib/server/storage/postgres/postgres-storage';
import { emptyDatabase, freshDatabase, type FreshDatabase } from '../helpers/postgres';

/**
 * Several instances on one PostgreSQL database, each with its own pool and listener, as
 * several processes would have: what one commits, every one announces once, in commit order.
 */

const payload = (n: number): EventPayload => ({ type: 'user-delete', data: { id: `u${n}` } });
const hop = () => new Promise((resolve) => setImmediate(resolve));
/** Quick to notice a lost listener in tests; the defaults are for production. */
const follower = { pollMs: 50, backoffMs: 50, maxBackoffMs: 400 };

type Heard = { event: number } | { end: SessionEnd };

function instance(url: string, pages: { pageEvents?: number; pageEnds?: number } = {}) {
	const storage = new PostgresStorage({ url, poolSize: 3, follower: { ...follower, ...pages } });
	const heard: Heard[] = [];
	storage.onEvent((event) => heard.push({ event: event.id }));
	storage.onSessionEnded((end) => heard.push({ end }));
	const events = () => heard.flatMap((h) => ('event' in h ? [h.event] : []));
	return { storage, heard, events };
}

/** A read-modify-write of one counter: lost updates would show if two changes overlapped. */
async function countChange(tx: Change): Promise<void> {
	const settings = await tx.settings.find();
	const count = Number(settings?.name ?? 0);
	await hop();
	await tx.settings.save({
		name: String(count + 1),
		timeZone: 'UTC',
		registration: 'open',
		dayStartsAt: '00:00'
	});
}

describe('several instances on one PostgreSQL database', () => {
	let database: FreshDatabase;
	let instances: ReturnType<typeof instance>[];
	beforeAll(async () => {
		database = await freshDatabase();
		instances = [instance(database.url), instance(database.url), instance(database.url)];
		await Promise.all(instances.map((i) => i.storage.ready));
	});
	afterAll(async () => {
		await Promise.all(instances.map((i) => i.storage.close()));
		await database.release();
	});
	afterEach(() => {
		for (const i of instances) i.heard.length = 0;
	});

	it('random concurrent changes through three instances: every instance hears every event once, in id order, gapless; the writer before its change resolves', async () => {
		const change = fc.record({
			through: fc.integer({ min: 0, max: 2 }),
			events: fc.integer({ min: 0, max: 3 }),
			hops: fc.integer({ min: 0, max: 2 }),
			fails: fc.boolean()
		});
		await fc.assert(
			fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 15 }), async (changes) => {
				const [first] = instances;
				const base = await first.storage.log.headId();
				const countBefore = Number(
					(await first.storage.read((records) => records.settings.find()))?.name ?? 0
				);
				for (const i of instances) i.heard.length = 0;
				let committedChanges = 0;
				await Promise.all(
					changes.map(async (op) => {
						const writer = instances[op.through];
						try {
							const ids = await writer.storage.change(async (tx) => {
								await countChange(tx);
								const ids: number[] = [];
								for (let n = 0; n < op.events; n++) {
									ids.push(tx.append(payload(n)).id);
									if (n < op.hops) await hop();
								}
								if (op.fails) throw new Error('fails');
								return ids;
							});
							committedChanges++;
							// Announced through the writer's own instance before its change resolved.
							for (const id of ids) expect(writer.events()).toContain(id);
						} catch (error) {
							if (!op.fails) throw error;
						}
					})
				);
				const head = await first.storage.log.headId();
				const expected = Array.from({ length: head - base }, (_, n) => base + n + 1);
				expect(head - base).toBe(
					changes.filter((op) => !op.fails).reduce((sum, op) => sum + op.events, 0)
				);
				for (const i of instances) {
					await vi.waitFor(() => expect(i.events().length).toBeGreaterThanOrEqual(expected.length));
					expect(i.events()).toEqual(expected);
				}
				// One change at a time across instances: no read-modify-write was lost.
				const count = (await first.storage.read((records) => records.settings.find()))?.name;
				expect(Number(count ?? 0)).toBe(countBefore + committedChanges);
			}),
			{ numRuns: 25 }
		);
	}, 120_000);

	it('session endings committed on one instance are heard on every instance, after the events committed before them', async () => {
		const [a, b, c] = instances;
		const base = await a.storage.log.headId();
		await a.storage.change((tx) => {
			tx.append(payload(1));
			tx.announceSessionEnded({ family: 'f1', reason: 'logged-out' });
		});
		await b.storage.change((tx) => {
			tx.announceSessionEnded({ userId: 'u1', reason: 'deleted' });
			tx.announceSessionEnded({ sessionIds: ['s1', 's2'], reason: 'revoked' });
		});
		await c.storage.change((tx) => void tx.append(payload(2)));
		const expected: Heard[] = [
			{ event: base + 1 },
			{ end: { family: 'f1', reason: 'logged-out' } },
			{ end: { userId: 'u1', reason: 'deleted' } },
			{ end: { sessionIds: ['s1', 's2'], reason: 'revoked' } },
			{ event: base + 2 }
		];
		for (const i of instances) {
			await vi.waitFor(() => expect(i.heard).toHaveLength(expected.length));
			expect(i.heard).toEqual(expected);
		}
	});

	it('pruning deletes old session endings with the old events, and keeps the head', async () => {
		const [a, b] = instances;
		await a.storage.change((tx) => {
			tx.append(payload(1));
			tx.announceSessionEnded({ userId: 'u1', reason: 'deleted' });
		});
		const head = await a.storage.log.headId();
		expect(await b.storage.log.prune(Date.now() + 1)).toBeGreaterThan(0);
		const left = await a.storage.pool.query('SELECT count(*) AS n FROM session_end');
		expect(left.rows[0].n).toBe(0);
		expect(await a.storage.log.headId()).toBe(head);
		expect(await a.storage.log.oldestId()).toBeNull();
	});

	it('an instance that reads the log a few rows at a time hears the same sequence', async () => {
		const [a] = instances;
		const small = instance(database.url, { pageEvents: 2, pageEnds: 1 });
		await small.storage.ready;
		try {
			for (let n = 0; n < 4; n++) {
				await a.storage.change((tx) => {
					for (let e = 0; e < n + 1; e++) tx.append(payload(e));
					for (let e = 0; e < 3 - n; e++)
						tx.announceSessionEnded({ userId: `u${e}`, reason: 'deleted' });
				});
			}
			await vi.waitFor(() => expect(small.heard).toHaveLength(a.heard.length));
			expect(small.heard).toEqual(a.heard);
		} finally {
			await small.storage.close();
		}
	});

	it('a marks-shown event reaches every instance with its markers, which are never stored', async () => {
		const [a, b] = instances;
		await a.storage.pool.query(`INSERT INTO "user" (id, name, password_hash, type, created_at)
			VALUES ('m1', 'marker', 'h', 'regular', 1)`);
		await a.storage.pool.query(`INSERT INTO entry (id, title, start_at, end_at, visibility,
			created_at, updated_at) VALUES ('e1', 'Talk', 1, 2, 'public', 1, 1)`);
		await a.storage.pool.query(
			`INSERT INTO interest (user_id, entry_id, created_at) VALUES ('m1', 'e1', 1)`
		);
		const heard: StoredEvent[] = [];
		const stop = b.storage.onEvent((event) => heard.push(event));
		try {
			const { id } = await a.storage.change((tx) => {
				const event = tx.append({
					type: 'marks-shown',
					data: { entryId: 'e1', from: 'draft', to: 'public' }
				});
				// As announceMarksShown does: live delivery learns the markers from the change.
				if (event.type === 'marks-shown') event.data.markedBy = new Set(['m1']);
				return event;
			});
			await vi.waitFor(() => expect(heard).toHaveLength(1));
			const [event] = heard;
			expect(event.type === 'marks-shown' && [...(event.data.markedBy ?? [])]).toEqual(['m1']);
			const stored = await a.storage.pool.query('SELECT data FROM event WHERE id = $1', [id]);
			expect(JSON.parse(stored.rows[0].data)).toEqual({
				entryId: 'e1',
				from: 'draft',
				to: 'public'
			});
		} finally {
			stop();
		}
	});

	it('a listener whose connection is cut still hears what another instance commits meanwhile, and reconnects', async () => {
		const [a, b] = instances;
		const base = await a.storage.log.headId();
		const cut = b.storage.listenerPid;
		expect(cut).not.toBeNull();
		const admin = new pg.Client({ connectionString: database.url });
		await admin.connect();
		try {
			const { rows } = await admin.query('SELECT pg_terminate_backend($1) AS done', [cut]);
			expect(rows[0].done).toBe(true);
		} finally {
			await admin.end();
		}
		// Committed while b's listener is down or reconnecting: no notification reaches it.
		for (let n = 1; n <= 5; n++) await a.storage.change((tx) => void tx.append(payload(n)));
		const expected = [1, 2, 3, 4, 5].map((n) => base + n);
		await vi.waitFor(() => expect(b.events()).toEqual(expected), { timeout: 10_000 });
		// It listens again, on a new connection, and hears the next change at once.
		await vi.waitFor(() => expect(b.storage.listenerPid).not.toBeNull(), { timeout: 10_000 });
		expect(b.storage.listenerPid).not.toBe(cut);
		await a.storage.change((tx) => void tx.append(payload(6)));
		await vi.waitFor(() => expect(b.events()).toEqual([...expected, base + 6]));
	});
});

describe('starting on an empty PostgreSQL database', () => {
	it('three instances starting at once apply each migration exactly once', async () => {
		const database = await emptyDatabase();
		const starting = [1, 2, 3].map(() => new PostgresStorage({ url: database.url, poolSize: 2 }));
		try {
			await Promise.all(starting.map((storage) => storage.ready));
			const versions = await starting[0].pool.query<{ version: number }>(
				'SELECT version FROM migration ORDER BY version'
			);
			expect(versions.rows.map((row) => row.version)).toEqual(migrations.map((m) => m.version));
			// Every instance works on the one schema.
			await Promise.all(
				starting.map((storage, n) => storage.change((tx) => void tx.append(payload(n))))
			);
			expect(await starting[2].log.headId()).toBe(3);
		} finally {
			await Promise.all(starting.map((storage) => storage.close()));
			await database.release();
		}
	});
});
