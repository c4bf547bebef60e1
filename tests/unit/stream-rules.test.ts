import { describe, expect, it } from 'vitest';
import { backoffDelay } from '$lib/client/backoff';
import { projectEvent, viewKey } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { canReplayFrom, parseLastEventId } from '$lib/server/stream/cursor';
import { sessionDeadline } from '$lib/server/stream/deadlines';

const update: StoredEvent = {
	id: 3,
	createdAt: 1,
	type: 'user-update',
	data: { id: 'u', name: 'Ada', type: 'crew', createdAt: 1, lastSeenAt: 2 }
};
const remove: StoredEvent = { id: 4, createdAt: 1, type: 'user-delete', data: { id: 'u' } };

describe('event projection per viewer', () => {
	it('the public sees no users at all', () => {
		expect(projectEvent(update, { level: 'public', userId: null })).toBeNull();
		expect(projectEvent(remove, { level: 'public', userId: null })).toBeNull();
	});

	it('a regular user sees users without admin-only fields', () => {
		expect(projectEvent(update, { level: 'regular', userId: 'x' })).toEqual({
			type: 'user-update',
			data: { id: 'u', name: 'Ada', type: 'crew', createdAt: 1 }
		});
		expect(projectEvent(remove, { level: 'crew', userId: 'x' })).toEqual({
			type: 'user-delete',
			data: { id: 'u' }
		});
	});

	it('an admin sees the whole user', () => {
		expect(projectEvent(update, { level: 'admin', userId: 'x' })).toEqual({
			type: 'user-update',
			data: { id: 'u', name: 'Ada', type: 'crew', createdAt: 1, lastSeenAt: 2, suspended: false }
		});
	});

	it('viewers of one access level share a view', () => {
		expect(viewKey({ level: 'regular', userId: 'a' })).toBe(
			viewKey({ level: 'regular', userId: 'b' })
		);
		expect(viewKey({ level: 'regular', userId: 'a' })).not.toBe(
			viewKey({ level: 'admin', userId: 'a' })
		);
	});
});

describe('stream cursor', () => {
	it('accepts only plain non-negative integers', () => {
		expect(parseLastEventId('0')).toBe(0);
		expect(parseLastEventId('42')).toBe(42);
		for (const bad of [null, '', '-1', '1.5', 'abc', '1e3', ' 1', '0x10', '9'.repeat(20)]) {
			expect(parseLastEventId(bad)).toBeNull();
		}
	});

	it('replays only when every later event is still kept', () => {
		expect(canReplayFrom(5, 5, null, 100)).toBe(true);
		expect(canReplayFrom(5, 9, 6, 100)).toBe(true);
		expect(canReplayFrom(5, 9, 3, 100)).toBe(true);
		expect(canReplayFrom(5, 9, 7, 100)).toBe(false);
		expect(canReplayFrom(5, 9, null, 100)).toBe(false);
		expect(canReplayFrom(10, 9, 1, 100)).toBe(false);
	});

	it('replays a cursor up to the limit behind, and sends one further behind to resync', () => {
		expect(canReplayFrom(0, 100, 1, 100)).toBe(true);
		expect(canReplayFrom(0, 101, 1, 100)).toBe(false);
		expect(canReplayFrom(50, 151, 1, 100)).toBe(false);
		// A page loaded now starts at the head: never too far behind.
		expect(canReplayFrom(151, 151, 1, 1)).toBe(true);
	});

	it("a stream's session deadline is its rotation, or its expiry when sooner", () => {
		expect(sessionDeadline({ rotatesAt: 100, expiresAt: 500 })).toEqual({
			at: 100,
			reason: 'rotated'
		});
		expect(sessionDeadline({ rotatesAt: 500, expiresAt: 100 })).toEqual({
			at: 100,
			reason: 'expired'
		});
	});
});

describe('reconnect backoff', () => {
	it('grows exponentially with jitter and a ceiling', () => {
		expect(backoffDelay(0, () => 0)).toBe(250);
		expect(backoffDelay(0, () => 1)).toBe(500);
		expect(backoffDelay(3, () => 1)).toBe(4000);
		expect(backoffDelay(50, () => 1)).toBe(30_000);
		expect(backoffDelay(50, () => 0)).toBe(15_000);
	});
});
