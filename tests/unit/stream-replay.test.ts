import { constants, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { AccessLevel } from '$lib/api';
import { modelRuns, resetStorage, subscribeEvents } from '../helpers/storage';
import { storage, type Storage, appendEvent, change } from '$lib/server/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { EventPayload, StoredEvent } from '$lib/server/events/stored-event';
import { StreamConnection, type StreamHost } from '$lib/server/stream/connection';
import { createFanOut } from '$lib/server/stream/fan-out';
import { StreamRegistry } from '$lib/server/stream/registry';
import { Replays, type ReplayOptions } from '$lib/server/stream/replay';

/**
 * The socket under a stream, as `writeFrames` and `deliver` use it. A fast one is taken by the
 * kernel at once (its write callback still comes later, as Node's does); a slow one holds every
 * write until `drain`.
 */
class FakeSocket {
	readonly OPEN = 1;
	readyState = 1;
	readonly written: Buffer[] = [];
	private held: { bytes: number; done?: (error?: Error | null) => void }[] = [];
	/**
	 * `replayWindowBits`: the handshake agreed to permessage-deflate, so the replay may send
	 * compressed frames, which `ids` reads as a browser would.
	 */
	constructor(
		public fast: boolean,
		readonly replayWindowBits: number | null = null
	) {}

	readonly _socket = {
		write: (data: Buffer, done?: (error?: Error | null) => void) => {
			this.written.push(data);
			if (this.fast) {
				if (done) process.nextTick(done, null);
			} else this.held.push({ bytes: data.length, done });
			return true;
		}
	};

	get bufferedAmount(): number {
		return this.held.reduce((sum, write) => sum + write.bytes, 0);
	}

	drain(): void {
		const held = this.held;
		this.held = [];
		for (const write of held) write.done?.(null);
	}

	close() {
		this.readyState = 3;
	}
	terminate() {}
	send() {}

	get ids(): number[] {
		return messagesOf(this.written).flatMap((message) =>
			[...message.matchAll(/"id":(\d+),"event"/g)].map((m) => +m[1])
		);
	}
}

/**
 * The text messages in frames as written (unmasked, whole), in order. A compressed one (RSV1)
 * may refer back into the compressed ones before it (context takeover): the run of them all is
 * one deflate stream, each message ending where its flush's 00 00 ff ff was left off.
 */
function messagesOf(writes: Buffer[]): string[] {
	const all = Buffer.concat(writes);
	const messages: string[] = [];
	let compressed = Buffer.alloc(0);
	let inflated = 0;
	for (let at = 0; at < all.length;) {
		const rsv1 = (all[at] & 0x40) !== 0;
		let length = all[at + 1] & 0x7f;
		at += 2;
		if (length === 126) [length, at] = [all.readUInt16BE(at), at + 2];
		else if (length === 127) [length, at] = [Number(all.readBigUInt64BE(at)), at + 8];
		const payload = all.subarray(at, at + length);
		at += length;
		if (!rsv1) {
			messages.push(payload.toString());
			continue;
		}
		compressed = Buffer.concat([compressed, payload, Buffer.from([0, 0, 0xff, 0xff])]);
		const text = inflateRawSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH });
		messages.push(text.subarray(inflated).toString());
		inflated = text.length;
	}
	return messages;
}

const host: StreamHost = { maxBufferBytes: Infinity, forget() {} };

function openStream(
	registry: StreamRegistry,
	replays: Replays,
	level: AccessLevel,
	cursor: number,
	fast: boolean,
	compress = false
) {
	const socket = new FakeSocket(fast, compress ? 12 : null);
	const userId = level === 'public' ? null : `u-${level}`;
	const conn = new StreamConnection(
		socket as unknown as WebSocket,
		host,
		level,
		userId,
		null,
		null,
		'127.0.0.1',
		cursor
	);
	// As open.ts opens a stream: subscribed first, then its replay.
	registry.add(conn);
	replays.start(conn);
	return { socket, conn, from: cursor };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Until the replays have done all they can: a step's read may take many turns (PostgreSQL). */
async function settled(replays: Replays): Promise<void> {
	const deadline = Date.now() + 10_000;
	do await turn();
	while (!replays.idle && Date.now() < deadline);
	if (!replays.idle) throw new Error('the replays never settled');
}

const payloads: EventPayload[] = [
	{
		type: 'settings-update',
		data: { name: 'Tides', timeZone: 'UTC', registration: 'open', dayStartsAt: '00:00' }
	},
	{
		type: 'user-update',
		data: { id: 'u1', name: 'Ada', type: 'regular', createdAt: 1, lastSeenAt: null }
	},
	{
		type: 'shift-update',
		data: {
			id: 's1',
			role: 'Bar',
			locationId: null,
			start: 1,
			end: 2,
			needed: 1,
			crewIds: [],
			notes: 'x'.repeat(300)
		}
	}
];

function commit(kinds: number[]) {
	return change((tx) => {
		for (const kind of kinds) appendEvent(tx, payloads[kind]);
	});
}

const allEvents = async () => (await storage().log.pageAfter(0, 1_000_000)).events;
const visibleAfter = (events: StoredEvent[], level: AccessLevel, from: number) =>
	events
		.filter((event) => event.id > from)
		.filter((event) => projectEvent(event, { level, userId: `u-${level}` }) !== null)
		.map((event) => event.id);

let stop = () => {};
beforeEach(() => resetStorage());
afterEach(() => stop());

describe('replay and live delivery together', () => {
	it('give every stream each event it may see after its cursor, once, in order, whatever the interleaving', async () => {
		const action = fc.oneof(
			fc.record({
				do: fc.constant('commit' as const),
				kinds: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 6 })
			}),
			fc.record({
				do: fc.constant('open' as const),
				level: fc.constantFrom<AccessLevel>('public', 'regular', 'crew'),
				at: fc.double({ min: 0, max: 1, noNaN: true }),
				fast: fc.boolean(),
				compress: fc.boolean()
			}),
			fc.record({ do: fc.constant('turn' as const) }),
			fc.record({ do: fc.constant('drain' as const), which: fc.nat() })
		);
		const options = fc.record({
			sliceMs: fc.constantFrom(0, 1),
			stepEvents: fc.integer({ min: 1, max: 4 }),
			stepBytes: fc.constantFrom(1, 200, 1000, 64 * 1024),
			unsentBytes: fc.constantFrom(1, 500, 64 * 1024),
			compressFromBytes: fc.constantFrom(0, 400, 8 * 1024)
		});
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 20 }),
				fc.array(action, { maxLength: 40 }),
				options,
				async (backlog, actions, replayOptions: ReplayOptions) => {
					await resetStorage();
					const registry = new StreamRegistry();
					const fanOut = createFanOut(registry, { sliceMs: 0 });
					const replays = new Replays(storage, () => fanOut.heard, replayOptions);
					stop();
					stop = subscribeEvents((event) => fanOut.publish(event));
					if (backlog.length > 0) await commit(backlog);
					const streams: ReturnType<typeof openStream>[] = [];
					for (const step of actions) {
						if (step.do === 'commit') await commit(step.kinds);
						else if (step.do === 'open') {
							const head = (await allEvents()).at(-1)?.id ?? 0;
							const cursor = Math.floor(step.at * head);
							streams.push(
								openStream(registry, replays, step.level, cursor, step.fast, step.compress)
							);
						} else if (step.do === 'turn') await turn();
						else if (streams.length > 0) streams[step.which % streams.length].socket.drain();
					}
					// Let everything arrive: every socket fast from now on.
					for (const { socket } of streams) {
						socket.fast = true;
						socket.drain();
					}
					const events = await allEvents();
					const last = events.at(-1)?.id ?? 0;
					// Until every stream is live at the head: on PostgreSQL a step's read and an
					// announcement take round trips, which no count of loop turns bounds.
					const deadline = Date.now() + 10_000;
					while (
						!streams.every(({ conn }) => !conn.replaying && conn.cursor === last) &&
						Date.now() < deadline
					) {
						await turn();
					}
					await turn();
					for (const { socket, conn, from } of streams) {
						expect(conn.replaying).toBe(false);
						expect(socket.ids).toEqual(visibleAfter(events, conn.level, from));
					}
				}
			),
			{ numRuns: modelRuns(150, 40) }
		);
	});
});

describe('the switch from replay to live', () => {
	it('an event committed while the last page of a replay is read reaches the stream, once', async () => {
		await commit([0, 0]);
		const registry = new StreamRegistry();
		const fanOut = createFanOut(registry, { sliceMs: 0 });
		stop = subscribeEvents((event) => fanOut.publish(event));
		// The read of a page is awaited: this one lets a change commit, and be announced, between
		// the read and the replay's next step.
		const real = storage();
		let raced = false;
		const log: Storage['log'] = {
			...real.log,
			pageAfter: async (afterId, maxEvents, maxBytes) => {
				const page = await real.log.pageAfter(afterId, maxEvents, maxBytes);
				if (page.complete && !raced) {
					raced = true;
					await commit([0]);
				}
				return page;
			}
		};
		const racing: Storage = Object.assign(Object.create(real) as Storage, { log });
		const replays = new Replays(
			() => racing,
			() => fanOut.heard
		);
		const { socket } = openStream(registry, replays, 'public', 0, true);
		await settled(replays);
		expect(raced).toBe(true);
		expect(socket.ids).toEqual([1, 2, 3]);
	});
});

describe('a compressed replay', () => {
	it('an event committed while its last step is compressed reaches the stream, once', async () => {
		await commit(Array.from({ length: 40 }, () => 0));
		const registry = new StreamRegistry();
		const fanOut = createFanOut(registry, { sliceMs: 0 });
		stop = subscribeEvents((event) => fanOut.publish(event));
		const replays = new Replays(storage, () => fanOut.heard, { compressFromBytes: 0 });
		const { socket, conn } = openStream(registry, replays, 'public', 0, true, true);
		// A change every turn until the replay is live: compressing takes turns of zlib's, in
		// which changes commit and are announced.
		let commits = 0;
		while (conn.replaying && commits < 1_000) {
			await commit([0]);
			commits++;
			await turn();
		}
		await commit([0]);
		await settled(replays);
		await turn();
		expect(conn.replaying).toBe(false);
		expect(socket.written.some((frame) => (frame[0] & 0x40) !== 0)).toBe(true);
		expect(socket.ids).toEqual(visibleAfter(await allEvents(), 'public', 0));
	});
});

describe('compressors', () => {
	it('are bounded in the process: past the bound a replay goes uncompressed, and a finished one frees its place', async () => {
		await commit(Array.from({ length: 40 }, () => 0));
		const registry = new StreamRegistry();
		const replays = new Replays(storage, () => 40, {
			compressFromBytes: 0,
			compressorsMax: 1,
			stepEvents: 5,
			unsentBytes: 1
		});
		const compressed = (socket: FakeSocket) =>
			socket.written.some((frame) => (frame[0] & 0x40) !== 0);
		// A slow reader holds its replay, and its compressor, until it reads.
		const first = openStream(registry, replays, 'public', 0, false, true);
		const second = openStream(registry, replays, 'public', 0, true, true);
		await settled(replays);
		expect(compressed(first.socket)).toBe(true);
		expect(first.conn.replaying).toBe(true);
		expect(compressed(second.socket)).toBe(false);
		expect(second.socket.ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

		first.socket.fast = true;
		first.socket.drain();
		await settled(replays);
		expect(first.conn.replaying).toBe(false);
		expect(first.socket.ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
		const third = openStream(registry, replays, 'public', 0, true, true);
		await settled(replays);
		expect(compressed(third.socket)).toBe(true);
		expect(third.socket.ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
	});
});

describe('replays in turns', () => {
	it('take one step each in turn, and never continue in the turn of a write that completed at once', async () => {
		await commit(Array.from({ length: 30 }, () => 0));
		const registry = new StreamRegistry();
		// A budget of no time: one step a turn, so the order of steps shows.
		const replays = new Replays(storage, () => 0, { sliceMs: 0, stepEvents: 5 });
		const streams = ['a', 'b', 'c'].map(() => openStream(registry, replays, 'public', 0, true));
		const order: number[] = [];
		for (const [i, { socket }] of streams.entries()) {
			const write = socket._socket.write;
			socket._socket.write = (data, done) => {
				order.push(i);
				return write(data, done);
			};
		}
		// Nothing in the turn that opened them.
		expect(order).toEqual([]);
		await settled(replays);
		expect(order.slice(0, 9)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
		for (const { socket } of streams)
			expect(socket.ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
	});

	it('read nothing more for a socket that holds its limit unsent, until a write of it completes', async () => {
		await commit(Array.from({ length: 40 }, () => 2));
		const registry = new StreamRegistry();
		const replays = new Replays(storage, () => 0, { stepEvents: 4, unsentBytes: 1000 });
		const { socket, conn } = openStream(registry, replays, 'crew', 0, false);
		await settled(replays);
		// Four shift updates of 400-odd bytes each pass 1,000 bytes: one step, then it waits.
		expect(socket.ids).toEqual([1, 2, 3, 4]);
		socket.drain();
		await settled(replays);
		expect(socket.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		socket.fast = true;
		socket.drain();
		await settled(replays);
		expect(conn.replaying).toBe(false);
		expect(socket.ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
	});
});

describe('a page of the event log', () => {
	it('stops at its count or once its data reached the byte limit, and says whether the log ends there', async () => {
		await commit([0, 0, 2, 2, 0]);
		const { log } = storage();
		const ids = async (...args: Parameters<typeof log.pageAfter>) =>
			(await log.pageAfter(...args)).events.map((e) => e.id);
		expect(await log.pageAfter(0, 2)).toMatchObject({ complete: false });
		expect(await ids(0, 2)).toEqual([1, 2]);
		expect((await log.pageAfter(0, 5)).complete).toBe(true);
		expect(await ids(3, 2)).toEqual([4, 5]);
		expect((await log.pageAfter(3, 2)).complete).toBe(true);
		// One event always, however large; then no more once the limit is reached.
		expect(await ids(2, 10, 1)).toEqual([3]);
		expect(await ids(0, 10, 1)).toEqual([1]);
		expect(await log.pageAfter(5, 10)).toEqual({ events: [], complete: true });
	});
});
