import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, StoredEvent } from '$lib/server/events/stored-event';
import type { Change, Records, SessionEnd, Storage } from '$lib/server/storage';
import { PostgresStorage } from '$lib/server/storage/postgres/postgres-storage';
import { openSqliteStorage } from '$lib/server/storage/sqlite/sqlite-storage';
import { freshDatabase } from '../helpers/postgres';

/**
 * The storage's contract, written against its interface only (src/lib/server/storage/storage.ts).
 * Another implementation runs this same suite: add a factory below. To look inside a snapshot,
 * a change that appends an event also writes its id into a row (the settings' name), which a
 * read then sees or not.
 */
interface Subject {
	storage: Storage;
	/**
	 * A storage of the same kind on the copy a backup wrote to `path`; none where the database
	 * is backed up with its own tools, and `backup` refuses, naming them.
	 */
	openCopy?(path: string): Storage;
	/** Reads run beside an open change (on other connections) rather than after it. */
	concurrentReads?: boolean;
	dispose(): void | Promise<void>;
}

/** Appends an event and writes its id where a read can see it, in the same change. */
async function appendMarked(tx: Change, payload: EventPayload): Promise<StoredEvent> {
	const event = tx.append(payload);
	const marker = { timeZone: 'UTC', registration: 'open', dayStartsAt: '00:00' } as const;
	await tx.settings.save({ ...marker, name: String(event.id) });
	return event;
}

/** The id of the last event whose change a read sees; 0 before any. */
const visibleId = async (records: Records) => Number((await records.settings.find())?.name ?? 0);

const factories: Record<string, () => Subject | Promise<Subject>> = {
	// A file: reads on their own connection while a change is open on the write connection.
	'SQLite, a file': () => {
		const dir = mkdtempSync(join(tmpdir(), 'tidewatch-contract-'));
		const storage = openSqliteStorage(join(dir, 'contract.db'));
		return {
			storage,
			openCopy: openSqliteStorage,
			dispose: () => {
				storage.close();
				rmSync(dir, { recursive: true, force: true });
			}
		};
	},
	// In memory (the unit tests' database): one connection, reads and changes take turns.
	'SQLite, in memory': () => {
		const storage = openSqliteStorage(':memory:');
		return { storage, openCopy: openSqliteStorage, dispose: () => storage.close() };
	},
	// A fresh database of the run's cluster: reads on the pool beside a change's connection.
	PostgreSQL: async () => {
		const database = await freshDatabase();
		const storage = new PostgresStorage({ url: database.url, poolSize: 4 });
		await storage.ready;
		return {
			storage,
			concurrentReads: true,
			dispose: async () => {
				await storage.close();
				await database.release();
			}
		};
	}
};

/** Where backups are written. */
const copies = mkdtempSync(join(tmpdir(), 'tidewatch-contract-copies-'));
afterAll(() => rmSync(copies, { recursive: true, force: true }));
let copySeq = 0;

const payload = (n: number): EventPayload => ({ type: 'user-delete', data: { id: `u${n}` } });
/** A hop through the event loop: other changes and reads get their turn. */
const hop = () => new Promise((resolve) => setImmediate(resolve));

for (const [name, open] of Object.entries(factories)) {
	describe(`the storage contract: ${name}`, () => {
		let subject: Subject;
		let heard: StoredEvent[];
		let ends: SessionEnd[];
		beforeEach(async () => {
			subject = await open();
			heard = [];
			ends = [];
			subject.storage.onEvent((event) => heard.push(event));
			subject.storage.onSessionEnded((end) => ends.push(end));
		});
		afterEach(() => subject.dispose());

		it('a change that awaits commits its events together, with gapless ids, announced after the commit', async () => {
			const { storage } = subject;
			const ids = await storage.change(async (tx) => {
				const first = tx.append(payload(1));
				await hop();
				const second = tx.append(payload(2));
				await hop();
				// Not announced, and not readable, before the commit.
				expect(heard).toEqual([]);
				return [first.id, second.id];
			});
			expect(ids).toEqual([1, 2]);
			expect(heard.map((event) => event.id)).toEqual([1, 2]);
			expect(await storage.log.headId()).toBe(2);
		});

		it('a change that fails appends nothing, announces nothing, and leaves no gap', async () => {
			const { storage } = subject;
			await expect(
				storage.change(async (tx) => {
					tx.append(payload(1));
					tx.announceSessionEnded({ userId: 'u1', reason: 'deleted' });
					tx.afterCommit(() => heard.push({ ...payload(0), id: -1, createdAt: 0 }));
					await hop();
					throw new Error('the change failed');
				})
			).rejects.toThrow('the change failed');
			expect(heard).toEqual([]);
			expect(ends).toEqual([]);
			expect(await storage.log.headId()).toBe(0);
			const next = await storage.change((tx) => tx.append(payload(2)).id);
			expect(next).toBe(1);
		});

		it('session endings are announced after the commit, in order with the change', async () => {
			const { storage } = subject;
			await storage.change(async (tx) => {
				tx.announceSessionEnded({ family: 'f1', reason: 'logged-out' });
				await hop();
				tx.announceSessionEnded({ sessionIds: ['s1'], reason: 'rotated' });
				expect(ends).toEqual([]);
			});
			expect(ends).toEqual([
				{ family: 'f1', reason: 'logged-out' },
				{ sessionIds: ['s1'], reason: 'rotated' }
			]);
		});

		it('a read while a change is open sees none of its rows', async () => {
			const { storage } = subject;
			await storage.change((tx) => appendMarked(tx, payload(1)));
			let release = () => {};
			let inside = () => {};
			const opened = new Promise<void>((resolve) => (inside = resolve));
			const open = storage.change(async (tx) => {
				await appendMarked(tx, payload(2));
				await new Promise<void>((resolve) => {
					release = resolve;
					inside();
				});
			});
			await opened;
			const read = storage.snapshot(visibleId);
			// The in-memory one waits for the change; where reads run beside it, this one answers
			// while the change is still open.
			const early = subject.concurrentReads
				? await read
				: await Promise.race([read, hop().then(() => null)]);
			if (early) expect(early).toEqual({ lastEventId: 1, data: 1 });
			release();
			await open;
			const after = await read;
			expect(after.lastEventId).toBe(after.data);
			expect(await storage.log.headId()).toBe(2);
		});

		it('the event log pages after an id, tells its end, keeps its head through pruning', async () => {
			const { storage } = subject;
			await storage.change((tx) => [1, 2, 3].map((n) => tx.append(payload(n))));
			expect(await storage.log.pageAfter(0, 2)).toMatchObject({ complete: false });
			const rest = await storage.log.pageAfter(2, 2);
			expect(rest.events.map((e) => e.id)).toEqual([3]);
			expect(rest.complete).toBe(true);
			expect(await storage.log.oldestId()).toBe(1);
			expect(await storage.log.prune(Date.now() + 1)).toBe(3);
			expect(await storage.log.oldestId()).toBeNull();
			expect(await storage.log.headId()).toBe(3);
		});

		it('a page of the log stops once its stored data reached maxBytes, with one event always', async () => {
			const { storage } = subject;
			// Each event's data is stored as 100 bytes: {"id":"…"} around 91 characters.
			const sized = (n: number): EventPayload => ({
				type: 'user-delete',
				data: { id: String(n).padEnd(91, 'x') }
			});
			await storage.change((tx) => [1, 2, 3, 4, 5].map((n) => tx.append(sized(n))));
			const ids = async (after: number, maxBytes: number) => {
				const page = await storage.log.pageAfter(after, 10, maxBytes);
				return { ids: page.events.map((e) => e.id), complete: page.complete };
			};
			expect(await ids(0, 250)).toEqual({ ids: [1, 2, 3], complete: false });
			expect(await ids(0, 1)).toEqual({ ids: [1], complete: false });
			expect(await ids(2, 250)).toEqual({ ids: [3, 4, 5], complete: true });
			expect(await ids(0, 10_000)).toEqual({ ids: [1, 2, 3, 4, 5], complete: true });
			expect(await ids(5, 1)).toEqual({ ids: [], complete: true });
		});

		it('a backup taken while changes go on is one moment: every event up to its head, none after, none half-written', async () => {
			const { storage } = subject;
			for (let n = 1; n <= 50; n++) await storage.change((tx) => tx.append(payload(n)));
			let writing = true;
			const writer = (async () => {
				for (let n = 51; writing; n++) {
					// Each change spans turns of the event loop, as the backup's steps do.
					await storage.change(async (tx) => {
						tx.append(payload(n));
						await hop();
						tx.append(payload(-n));
					});
				}
			})();
			const path = join(copies, `copy-${++copySeq}.db`);
			if (!subject.openCopy) {
				await expect(storage.backup(path)).rejects.toThrow('pg_dump');
				writing = false;
				await writer;
				return;
			}
			const { pages } = await storage.backup(path);
			writing = false;
			await writer;
			expect(pages).toBeGreaterThan(0);

			const copy = subject.openCopy(path);
			try {
				const head = await copy.log.headId();
				expect(head).toBeGreaterThanOrEqual(50);
				const copied = (await copy.log.pageAfter(0, 100_000)).events;
				expect(copied.map((e) => e.id)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
				// Each change is whole in the copy: its two events or neither.
				expect(copied.length % 2).toBe(0);
				expect(copied).toEqual((await storage.log.pageAfter(0, head)).events);
			} finally {
				copy.close();
			}
		});

		it('any interleaving of changes (some failing) and snapshots: ids gapless in commit order, announced in id order, each snapshot one moment', async () => {
			const operation = fc.oneof(
				fc.record({
					kind: fc.constant('change' as const),
					events: fc.integer({ min: 0, max: 3 }),
					hops: fc.integer({ min: 0, max: 3 }),
					fails: fc.boolean()
				}),
				fc.record({ kind: fc.constant('snapshot' as const), hops: fc.integer({ min: 0, max: 3 }) })
			);
			await fc.assert(
				fc.asyncProperty(
					fc.scheduler(),
					fc.array(operation, { minLength: 1, maxLength: 12 }),
					async (s, operations) => {
						// Each run goes on from where the last one left the log: a fresh database per run
						// would cost PostgreSQL more than the run.
						const { storage } = subject;
						const base = await storage.log.headId();
						const announced: number[] = [];
						const unsubscribe = storage.onEvent((event) => announced.push(event.id));
						const committed: number[][] = [];
						const snapshots: { lastEventId: number; before: number; after: number }[] = [];
						const tasks = operations.map((op) =>
							s.schedule(Promise.resolve(op.kind)).then(async () => {
								if (op.kind === 'change') {
									try {
										const ids = await storage.change(async (tx) => {
											const ids: number[] = [];
											for (let i = 0; i < op.events; i++) {
												ids.push((await appendMarked(tx, payload(i))).id);
												if (i < op.hops) await s.schedule(Promise.resolve());
											}
											if (op.fails) throw new Error('fails');
											return ids;
										});
										committed.push(ids);
									} catch (error) {
										if (!op.fails) throw error;
									}
									return;
								}
								const snap = await storage.snapshot(async (records) => {
									const before = await visibleId(records);
									for (let i = 0; i < op.hops; i++) await s.schedule(Promise.resolve());
									return { before, after: await visibleId(records) };
								});
								snapshots.push({ lastEventId: snap.lastEventId, ...snap.data });
							})
						);
						// A task waiting for a turn schedules its steps only once it has it.
						let finished = false;
						const settled = Promise.all(tasks).finally(() => (finished = true));
						while (!finished) {
							if (s.count() > 0) await s.waitOne();
							else await hop();
						}
						await settled;
						// Gapless, in commit order: the committed changes' ids, in the order they
						// committed, follow the head gaplessly and were announced in that order.
						const all = committed.flat();
						unsubscribe();
						expect(all).toEqual(all.map((_, i) => base + i + 1));
						expect(announced).toEqual(all);
						expect(await storage.log.headId()).toBe(base + all.length);
						// Each snapshot is one moment, between two commits, whatever committed
						// during its awaits.
						const boundaries = new Set([base]);
						let seen = base;
						for (const ids of committed) boundaries.add((seen += ids.length));
						for (const snap of snapshots) {
							expect(snap.before).toBe(snap.lastEventId);
							expect(snap.after).toBe(snap.lastEventId);
							expect(boundaries.has(snap.lastEventId)).toBe(true);
						}
					}
				),
				{ numRuns: 100 }
			);
		}, 60_000);
	});
}
