import { describe, expect, it } from 'vitest';
import type { AccessLevel } from '$lib/api';
import type { StoredEvent } from '$lib/server/events/stored-event';
import type { StreamConnection } from '$lib/server/stream/connection';
import { fanOut } from '$lib/server/stream/fan-out';
import { StreamRegistry } from '$lib/server/stream/registry';

/** Stands in for a connection: what fan-out needs of one is its viewer and `deliver`. */
function fakeStream(level: AccessLevel, userId: string | null) {
	const frames: Buffer[] = [];
	const conn = {
		viewer: { level, userId },
		session: userId ? { id: `s-${userId}-${Math.random()}`, family: 'f', userId } : null,
		address: '127.0.0.1',
		deliver: (_id: number, frame: Buffer) => frames.push(frame)
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

		fanOut(registry, update);

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
		fanOut(registry, {
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
