import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb, resetStorage, subscribeEvents } from '../helpers/storage';
import { appendEvent, change, type Change } from '$lib/server/storage';
import {
	readEventPage,
	readLastEventId,
	pruneEvents,
	readOldestEventId
} from '$lib/server/storage/sqlite/event-log';
import type { StoredEvent } from '$lib/server/events/stored-event';

const user = (name: string) => ({
	id: 'u1',
	name,
	type: 'regular' as const,
	createdAt: 1,
	lastSeenAt: null
});

let heard: StoredEvent[] = [];
let stop = () => {};
beforeEach(async () => {
	await resetStorage();
	heard = [];
	stop = subscribeEvents((event) => heard.push(event));
});
afterEach(() => stop());

describe('the event log', () => {
	it('a change and its events commit together, then the events are announced in id order', async () => {
		await change((tx) => {
			appendEvent(tx, { type: 'user-update', data: user('a') });
			appendEvent(tx, { type: 'user-update', data: user('b') });
			// Nothing is announced before the commit.
			expect(heard).toEqual([]);
		});
		expect(heard.map((event) => event.id)).toEqual([1, 2]);
		expect(readEventPage(getDb(), 0, 10).events.map((event) => event.data)).toEqual([
			user('a'),
			user('b')
		]);
	});

	it('a change that fails leaves no event and announces nothing', async () => {
		await expect(
			change((tx) => {
				appendEvent(tx, { type: 'user-update', data: user('lost') });
				throw new Error('the change failed');
			})
		).rejects.toThrow('the change failed');
		expect(heard).toEqual([]);
		expect(readLastEventId(getDb())).toBe(0);
	});

	it('appendEvent is only callable inside the transaction of its change', async () => {
		let escaped: Change | undefined;
		await change((tx) => {
			escaped = tx;
		});
		expect(() => appendEvent(escaped!, { type: 'user-delete', data: { id: 'x' } })).toThrow(
			/only callable inside the transaction/
		);
	});

	it('the head survives pruning, and the oldest kept id tells what replay can still give', async () => {
		await change((tx) => {
			for (const name of ['a', 'b', 'c'])
				appendEvent(tx, { type: 'user-update', data: user(name) });
		});
		expect(pruneEvents(getDb(), Date.now() + 1)).toBe(3);
		expect(readLastEventId(getDb())).toBe(3);
		expect(readOldestEventId(getDb())).toBeNull();
	});
});
