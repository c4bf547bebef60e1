import fc from 'fast-check';
import { get } from 'svelte/store';
import type { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEvent, UserType, Visibility } from '$lib/api';
import { createEntriesStore } from '$lib/client/stores/entries';
import { createInterestsStore } from '$lib/client/stores/interests';
import {
	modelRuns,
	onSessionEnded,
	readRecords,
	resetStorage,
	rowsNow,
	subscribeEvents
} from '../helpers/storage';
import { createSession } from '$lib/server/auth/session-start';
import { change, closeStorage, storage } from '$lib/server/storage';
import { setInterest, visibleInterestIds } from '$lib/server/interests/interests';
import { Refusal } from '$lib/server/refusal';
import { createEntry, deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { StreamConnection } from '$lib/server/stream/connection';
import { canReplayFrom } from '$lib/server/stream/cursor';
import { createFanOut } from '$lib/server/stream/fan-out';
import { StreamRegistry } from '$lib/server/stream/registry';
import { Replays } from '$lib/server/stream/replay';
import type { ServerSession } from '$lib/server/types';
import { changeUser } from '$lib/server/users/manage-users';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/*
 * Open pages of every level as a model (docs/stream.md, docs/api.md): each page holds the browser's own
 * entries and interests stores, filled from a snapshot as a page load reads it and then fed by
 * the real fan-out and the real replay through stand-in sockets. The server code changes the
 * schedule, the marks and the users' types; streams drop and reconnect from their cursor, or
 * reload on 4001 (access changed) and 4002 (resync, after the log was pruned), as the browser's
 * client does. After every step each live page, and at the end every page, must show exactly
 * what a fresh page load at its level shows: the same entries, and the same of them marked.
 */

const base = Date.UTC(2032, 6, 4, 10);
const types: UserType[] = ['admin', 'regular', 'regular', 'crew'];
/** Which user each page is of (null: a visitor); the second regular has two tabs. */
const pageUsers: (number | null)[] = [null, 0, 1, 2, 2, 3];

type Step =
	| { kind: 'create'; visibility: Visibility }
	| { kind: 'visibility'; entry: number; visibility: Visibility }
	| { kind: 'edit'; entry: number }
	| { kind: 'delete'; entry: number }
	| { kind: 'mark'; user: number; entry: number; on: boolean }
	| { kind: 'type'; user: number; type: UserType }
	| { kind: 'drop'; page: number }
	| { kind: 'reconnect'; page: number }
	| { kind: 'reload'; page: number }
	| { kind: 'prune' };

const visibility = fc.constantFrom<Visibility>('public', 'crew', 'draft');
const page = fc.nat(pageUsers.length - 1);
// Few entries at a time, so that marks, hiding and showing meet on the same one.
const entry = fc.nat(2);
const step: fc.Arbitrary<Step> = fc.oneof(
	{ arbitrary: fc.record({ kind: fc.constant('create' as const), visibility }), weight: 2 },
	{
		arbitrary: fc.record({ kind: fc.constant('visibility' as const), entry, visibility }),
		weight: 6
	},
	fc.record({ kind: fc.constant('edit' as const), entry }),
	fc.record({ kind: fc.constant('delete' as const), entry }),
	{
		arbitrary: fc.record({
			kind: fc.constant('mark' as const),
			user: fc.nat(types.length - 1),
			entry,
			on: fc.nat(3).map((n) => n > 0)
		}),
		weight: 5
	},
	// The first user stays admin: it makes every change.
	fc.record({
		kind: fc.constant('type' as const),
		user: fc.integer({ min: 1, max: types.length - 1 }),
		type: fc.constantFrom<UserType>('regular', 'crew', 'admin')
	}),
	fc.record({ kind: fc.constant('drop' as const), page }),
	{ arbitrary: fc.record({ kind: fc.constant('reconnect' as const), page }), weight: 2 },
	{ arbitrary: fc.record({ kind: fc.constant('reload' as const), page }), weight: 4 },
	fc.record({ kind: fc.constant('prune' as const) })
);

let users: string[] = [];
let sessions: ServerSession[] = [];
const registry = new StreamRegistry();
const replays = new Replays(storage, () => fanOut.heard);
const fanOut = createFanOut(registry);
const stops: (() => void)[] = [];
/** Writes handed to a stand-in socket whose callback has not run yet. */
let inFlight = 0;

/** Complete unmasked text frames, as the server writes them, back into messages. */
function readFrames(buffer: Buffer): { type: string; id?: number; event?: ApiEvent }[] {
	const messages = [];
	let at = 0;
	while (at < buffer.length) {
		let length = buffer[at + 1];
		at += 2;
		if (length === 126) {
			length = buffer.readUInt16BE(at);
			at += 2;
		} else if (length === 127) {
			length = Number(buffer.readBigUInt64BE(at));
			at += 8;
		}
		messages.push(JSON.parse(buffer.subarray(at, at + length).toString()));
		at += length;
	}
	return messages;
}

class Page {
	level: AccessLevel = 'public';
	entries = createEntriesStore();
	interests = createInterestsStore();
	conn: StreamConnection | null = null;
	/** The stream closed with 4001: the page asks for its session before anything else. */
	sessionEnded = false;

	constructor(readonly user: number | null) {}

	get userId(): string | null {
		return this.user === null ? null : sessions[this.user].userId;
	}

	private currentLevel(): AccessLevel {
		if (this.user === null) return 'public';
		return (rowsNow('SELECT type FROM "user" WHERE id = ?', this.userId)[0] as { type: UserType })
			.type;
	}

	/** The cursor of the browser's client: the oldest of its stores' snapshots and events. */
	private cursor(): number {
		const ids = [this.entries.lastEventId()!];
		if (this.user !== null) ids.push(this.interests.lastEventId()!);
		return Math.min(...ids);
	}

	/** A page load: the snapshot, then a stream from its id. */
	async load(): Promise<void> {
		this.drop();
		const level = this.currentLevel();
		const userId = this.userId;
		// As a page's load reads: the head, then its entities, in one read transaction.
		const { lastEventId, data } = await storage().snapshot(async (records) => ({
			entries: await visibleEntries(records, level),
			marks: userId ? await visibleInterestIds(records, userId, level) : []
		}));
		this.level = level;
		this.entries.fill(data.entries, lastEventId);
		if (userId) this.interests.fill(data.marks, lastEventId);
		await this.connect();
	}

	drop(): void {
		if (!this.conn) return;
		this.conn.closed = true;
		registry.remove(this.conn);
		this.conn = null;
	}

	/** Opens the stream as the server does, and follows it as the browser's client does. */
	async connect(): Promise<void> {
		this.drop();
		// A 4001 (or a `connected` naming another level) makes the client reload its data.
		if (this.sessionEnded || this.currentLevel() !== this.level) {
			this.sessionEnded = false;
			return this.load();
		}
		const cursor = this.cursor();
		// A resync (4002) makes the client reload its data.
		const { log } = storage();
		if (!canReplayFrom(cursor, await log.headId(), await log.oldestId(), Infinity))
			return this.load();
		const socket = {
			OPEN: 1,
			readyState: 1,
			bufferedAmount: 0,
			close() {},
			terminate() {},
			send() {},
			_socket: {
				write: (frames: Buffer, done?: (error?: Error | null) => void) => {
					if (!conn.closed) this.receive(frames);
					inFlight++;
					setImmediate(() => {
						inFlight--;
						done?.(conn.closed ? new Error('closed') : null);
					});
					return true;
				}
			}
		};
		const host = { maxBufferBytes: Infinity, forget: () => {} };
		const userId = this.userId;
		const conn = new StreamConnection(
			socket as unknown as WebSocket,
			host,
			this.level,
			userId,
			userId ? sessions[this.user!].id : null,
			userId ? sessions[this.user!].family : null,
			'127.0.0.1',
			cursor
		);
		this.conn = conn;
		registry.add(conn);
		replays.start(conn);
	}

	private receive(frames: Buffer): void {
		for (const message of readFrames(frames)) {
			if (message.type !== 'event') continue;
			this.entries.apply(message.id!, message.event!);
			if (this.user !== null) this.interests.apply(message.id!, message.event!);
		}
	}

	/** What the page shows: its entries, and which of them are marked. */
	shows() {
		const entries = get(this.entries)?.value ?? [];
		const held = new Set(entries.map((entry) => entry.id));
		const marks = (get(this.interests)?.value ?? []).filter((id) => held.has(id));
		return { entries, marks: new Set(marks) };
	}

	/** What a fresh page load at this page's level shows. */
	async fresh() {
		const level = this.currentLevel();
		const userId = this.userId;
		return {
			entries: await readRecords((r) => visibleEntries(r, level)),
			marks: new Set(userId ? await readRecords((r) => visibleInterestIds(r, userId, level)) : [])
		};
	}
}

/** Until the fan-out and every replay are done and each open stream is at the head. */
async function settle(pages: Page[]): Promise<void> {
	for (let turn = 0; turn < 10_000; turn++) {
		await new Promise((resolve) => setImmediate(resolve));
		const head = await storage().log.headId();
		const open = pages.flatMap((p) => (p.conn && !p.conn.closed ? [p.conn] : []));
		if (inFlight === 0 && open.every((conn) => !conn.replaying && conn.cursor === head)) return;
	}
	throw new Error('the streams never caught up');
}

beforeAll(async () => {
	await resetStorage();
	stops.push(subscribeEvents((event) => fanOut.publish(event)));
	// The server closes the streams of a session that stops being the right key (4001).
	stops.push(
		onSessionEnded((end) => {
			for (const conn of registry.affectedBy(end)) {
				const owner = pages.find((p) => p.conn === conn);
				if (owner) {
					owner.drop();
					owner.sessionEnded = true;
				}
			}
		})
	);
	users = [];
	for (const [i, type] of types.entries()) {
		users.push(
			await change(async (tx) => {
				const id = generateUserId();
				await tx.users.insert({ id, name: `M${i}`, type, createdAt: 1, lastSeenAt: 1 }, 'x');
				return id;
			})
		);
	}
});

/** Fresh logins for every run: a long run of runs outlasts the unit tests' idle time. */
async function logInEveryone(): Promise<void> {
	sessions = [];
	for (const userId of users) {
		sessions.push(
			await change(async (tx) => (await createSession(tx, { userId, userAgent: 'model' })).session)
		);
	}
}
afterAll(async () => {
	for (const stop of stops) stop();
	await closeStorage();
});

let pages: Page[] = [];
let edits = 0;

async function run(s: Step): Promise<void> {
	const admin = sessions[0];
	const all = await readRecords((r) => visibleEntries(r, 'admin'));
	const target = all.length && 'entry' in s ? all[s.entry % all.length].id : null;
	switch (s.kind) {
		case 'create':
			await createEntry(admin, {
				title: 'e',
				start: base,
				end: base + 60_000,
				visibility: s.visibility
			});
			return;
		case 'visibility':
			if (target) await updateEntry(admin, target, { visibility: s.visibility });
			return;
		case 'edit':
			if (target) await updateEntry(admin, target, { title: `e${++edits}` });
			return;
		case 'delete':
			if (target) await deleteEntry(admin, target);
			return;
		case 'mark':
			// A mark on an entry the user may not see is refused (404): nothing changes.
			if (target) await refusedOrDone(() => setInterest(sessions[s.user], target, s.on));
			return;
		case 'type':
			await changeUser(admin, sessions[s.user].userId, { type: s.type });
			return;
		case 'drop':
			pages[s.page].drop();
			return;
		case 'reconnect':
			if (!pages[s.page].conn) await pages[s.page].connect();
			return;
		case 'reload':
			await pages[s.page].load();
			return;
		case 'prune':
			await storage().log.prune(Date.now() + 1);
			return;
	}
}

async function refusedOrDone(act: () => Promise<unknown>): Promise<void> {
	try {
		await act();
	} catch (error) {
		if (!(error instanceof Refusal)) throw error;
	}
}

async function expectFresh(p: Page, i: number): Promise<void> {
	const { entries, marks } = p.shows();
	const fresh = await p.fresh();
	expect(entries, `page ${i} (${p.level}) entries`).toEqual(fresh.entries);
	expect(marks, `page ${i} (${p.level}) marks`).toEqual(fresh.marks);
}

describe('open pages of every level, as a model', () => {
	it('every page, live or reconnected, shows what a fresh load at its level shows', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { minLength: 1, maxLength: 50, size: 'max' }),
				async (steps) => {
					for (const p of pages) p.drop();
					await logInEveryone();
					const admin = sessions[0];
					for (const { id } of await readRecords((r) => visibleEntries(r, 'admin')))
						await deleteEntry(admin, id);
					for (const [i, type] of types.entries()) {
						if (i > 0) await changeUser(admin, sessions[i].userId, { type });
					}
					await settle(pages);
					pages = pageUsers.map((user) => new Page(user));
					for (const p of pages) await p.load();
					await settle(pages);
					for (const s of steps) {
						await run(s);
						await settle(pages);
						for (const [i, p] of pages.entries()) if (p.conn) await expectFresh(p, i);
					}
					// Every dropped stream comes back (as the browser's client retries until it does).
					for (const p of pages) if (!p.conn) await p.connect();
					await settle(pages);
					for (const [i, p] of pages.entries()) await expectFresh(p, i);
				}
			),
			{
				numRuns: modelRuns(150, 30),
				// The mark lost by a page loaded while its entry was hidden: random runs found it
				// after 74 to 549 runs before the fix; this one (page 2 is user 1's) meets it at once.
				examples: [
					[
						[
							{ kind: 'create', visibility: 'public' },
							{ kind: 'mark', user: 1, entry: 0, on: true },
							{ kind: 'visibility', entry: 0, visibility: 'draft' },
							{ kind: 'reload', page: 2 },
							{ kind: 'visibility', entry: 0, visibility: 'public' }
						]
					]
				]
			}
		);
	}, 120_000);
});
