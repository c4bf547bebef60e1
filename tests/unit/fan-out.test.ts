import { describe, expect, it } from 'vitest';
import type { AccessLevel } from '$lib/api';
import type { StoredEvent } from '$lib/server/events/stored-event';
import type { StreamConnection } from '$lib/server/stream/connection';
import { afterFanOut, createFanOut, fanOutUnderWay } from '$lib/server/stream/fan-out';
import { StreamRegistry } from '$lib/server/stream/registry';

/** Stands in for a connection: what fan-out needs of one is its viewer and `deliver`. */
function fakeStream(level: AccessLevel, userId: string | null) {
	const frames: Buffer[] = [];
	const conn = {
		viewer: { level, userId },
		session: userId ? { id: `s-${userId}-${Math.random()}`, family: 'f', userId } : null,
		address: '127.0.0.1',
		cursor: 0,
		replaying: false,
		closed: false,
		deliver(lastId: number, frame: Buffer) {
			this.cursor = lastId;
			if (frame.length > 0) frames.push(frame);
		}
	};
	return { conn: conn as unknown as StreamConnection, frames };
}

const update: StoredEvent = {
	id: 7,
	createdAt: 1,
	type: 'user-update',
	data: { id: 'u', name: 'Ada', type: 'regular', createdAt: 1, lastSeenAt: 5 }
};

describe('live fan-out', () => {
	it('projects and serialises an event once per view, never once per socket', () => {
		const registry = new StreamRegistry();
		const regulars = [
			fakeStream('regular', 'a'),
			fakeStream('regular', 'b'),
			fakeStream('crew', 'c')
		];
		const admins = [fakeStream('admin', 'd'), fakeStream('admin', 'e')];
		const visitor = fakeStream('public', null);
		for (const { conn } of [...regulars, ...admins, visitor]) registry.add(conn);

		createFanOut(registry).publish(update);

		// The very same buffer for every socket of a view.
		expect(regulars[0].frames[0]).toBe(regulars[1].frames[0]);
		expect(admins[0].frames[0]).toBe(admins[1].frames[0]);
		expect(regulars[0].frames[0]).not.toBe(admins[0].frames[0]);
		expect(visitor.frames).toEqual([]);
		const text = (frame: Buffer) => frame.subarray(frame.indexOf('{')).toString();
		expect(JSON.parse(text(regulars[0].frames[0]))).toEqual({
			type: 'event',
			id: 7,
			event: { type: 'user-update', data: { id: 'u', name: 'Ada', type: 'regular', createdAt: 1 } }
		});
		expect(JSON.parse(text(admins[0].frames[0])).event.data.lastSeenAt).toBe(5);
	});

	it('sends a personal event only to the streams of the user it is for', () => {
		const registry = new StreamRegistry();
		const mine = [fakeStream('regular', 'me'), fakeStream('regular', 'me')];
		const other = fakeStream('admin', 'someone-else');
		for (const { conn } of [...mine, other]) registry.add(conn);
		createFanOut(registry).publish({
			id: 8,
			createdAt: 1,
			type: 'session-delete',
			data: { userId: 'me', id: 'a-login' }
		});
		expect(mine[0].frames).toHaveLength(1);
		expect(mine[0].frames[0]).toBe(mine[1].frames[0]);
		expect(other.frames).toEqual([]);
	});
});

const rename = (id: number): StoredEvent => ({
	id,
	createdAt: 1,
	type: 'user-update',
	data: { id: 'u', name: `n${id}`, type: 'regular', createdAt: 1, lastSeenAt: 5 }
});
const idsIn = (frames: Buffer[]) =>
	frames.flatMap((frame) =>
		[...frame.toString().matchAll(/"id":(\d+),"event"/g)].map((m) => +m[1])
	);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('passes', () => {
	it('writes the first event of a turn at once and the rest of the turn in one write, in id order', async () => {
		const registry = new StreamRegistry();
		const streams = [fakeStream('regular', 'a'), fakeStream('admin', 'b')];
		for (const { conn } of streams) registry.add(conn);
		const fanOut = createFanOut(registry);
		fanOut.publish(rename(1));
		expect(streams[0].frames).toHaveLength(1);
		for (let id = 2; id <= 5; id++) fanOut.publish(rename(id));
		expect(streams[0].frames).toHaveLength(1);
		await turn();
		await turn();
		for (const { frames } of streams) {
			expect(frames).toHaveLength(2);
			expect(idsIn(frames)).toEqual([1, 2, 3, 4, 5]);
		}
	});

	it('yields between slices of sockets and never lets a later event overtake an earlier one', async () => {
		const registry = new StreamRegistry();
		const streams = Array.from({ length: 300 }, (_, i) => fakeStream('regular', `u${i}`));
		for (const { conn } of streams) registry.add(conn);
		// A slice of no time at all: every few sockets the pass goes back to the event loop.
		const fanOut = createFanOut(registry, { sliceMs: 0 });
		fanOut.publish(rename(1));
		const reached = streams.filter((s) => s.frames.length > 0).length;
		expect(reached).toBeLessThan(streams.length);
		for (let id = 2; id <= 40; id++) {
			fanOut.publish(rename(id));
			if (id % 7 === 0) await turn();
		}
		for (let i = 0; i < 200 && streams.some((s) => idsIn(s.frames).at(-1) !== 40); i++) {
			await turn();
		}
		for (const { frames } of streams)
			expect(idsIn(frames)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
	});

	it('sends a stream whose replay already reached into a pass only what follows its cursor', async () => {
		const registry = new StreamRegistry();
		const fresh = fakeStream('regular', 'a');
		const caughtUp = fakeStream('regular', 'b');
		for (const { conn } of [fresh, caughtUp]) registry.add(conn);
		const fanOut = createFanOut(registry);
		fanOut.publish(rename(1));
		for (let id = 2; id <= 5; id++) fanOut.publish(rename(id));
		// As if its replay had read up to 3 from the database before this pass reached it.
		caughtUp.conn.cursor = 3;
		await turn();
		await turn();
		expect(idsIn(fresh.frames)).toEqual([1, 2, 3, 4, 5]);
		expect(idsIn(caughtUp.frames)).toEqual([1, 4, 5]);
	});

	it('skips a stream that is still replaying: its replay reads those events itself', async () => {
		const registry = new StreamRegistry();
		const replaying = fakeStream('regular', 'a');
		(replaying.conn as { replaying: boolean }).replaying = true;
		registry.add(replaying.conn);
		createFanOut(registry).publish(rename(1));
		expect(replaying.frames).toEqual([]);
	});

	it('holds work asked for during a pass until the pass has reached every socket, not the next pass', async () => {
		const registry = new StreamRegistry();
		const streams = Array.from({ length: 300 }, (_, i) => fakeStream('regular', `u${i}`));
		for (const { conn } of streams) registry.add(conn);
		const fanOut = createFanOut(registry, { sliceMs: 0 });
		// Not under way: the work runs at once.
		let ran = 0;
		afterFanOut(() => ran++);
		expect(ran).toBe(1);
		fanOut.publish(rename(1));
		expect(fanOutUnderWay()).toBe(true);
		const seen: number[] = [];
		afterFanOut(() => {
			seen.push(streams.filter((s) => idsIn(s.frames).includes(1)).length);
			// Committed while the work runs: the next pass, which the work does not wait for.
			fanOut.publish(rename(2));
		});
		afterFanOut(() => {
			throw new Error('one failing answer');
		});
		afterFanOut(() => seen.push(-1));
		expect(seen).toEqual([]);
		for (let i = 0; i < 200 && fanOutUnderWay() && seen.length === 0; i++) await turn();
		// Every socket had event 1 when the work ran; a failure did not stop the work after it.
		expect(seen).toEqual([streams.length, -1]);
		for (let i = 0; i < 200 && streams.some((s) => !idsIn(s.frames).includes(2)); i++) {
			await turn();
		}
		expect(fanOutUnderWay()).toBe(false);
		for (const { frames } of streams) expect(idsIn(frames)).toEqual([1, 2]);
	});
});
