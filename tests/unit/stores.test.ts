import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import type { ApiOwnSession, ApiUser } from '$lib/api';
import { applyAccountEvent, createAccountStore } from '$lib/client/stores/account';
import {
	applyAccountSecurityEvent,
	createAccountSecurityStore
} from '$lib/client/stores/account-security';
import { createUsersStore } from '$lib/client/stores/users';

const user = (id: string, name: string, createdAt = 1): ApiUser => ({
	id,
	name,
	type: 'regular',
	createdAt
});

describe('the users store', () => {
	it('a stale replayed event does not roll the users store back', () => {
		const users = createUsersStore();
		users.fill([user('a', 'Ada (renamed at 7)')], 7);
		users.apply(5, { type: 'user-update', data: user('a', 'Ada (as of 5)') });
		users.apply(7, { type: 'user-update', data: user('a', 'Ada (as of 7)') });
		expect(get(users)?.value).toEqual([user('a', 'Ada (renamed at 7)')]);
		expect(get(users)?.lastEventId).toBe(7);
	});

	it('applies newer events in order: updates, inserts by creation, deletes', () => {
		const users = createUsersStore();
		users.fill([user('a', 'Ada', 1), user('c', 'Cy', 3)], 10);
		users.apply(11, { type: 'user-update', data: user('b', 'Bo', 2) });
		users.apply(12, { type: 'user-update', data: user('a', 'Ada L.', 1) });
		users.apply(13, { type: 'user-delete', data: { id: 'c' } });
		expect(get(users)?.value.map((u) => u.name)).toEqual(['Ada L.', 'Bo']);
		expect(users.lastEventId()).toBe(13);
		// The same event again is harmless.
		users.apply(13, { type: 'user-update', data: user('c', 'Cy', 3) });
		expect(get(users)?.value.map((u) => u.name)).toEqual(['Ada L.', 'Bo']);
	});

	it('ignores events before it is filled', () => {
		const users = createUsersStore();
		users.apply(1, { type: 'user-update', data: user('a', 'Ada') });
		expect(get(users)).toBeNull();
		expect(users.lastEventId()).toBeNull();
	});
});

describe('the account store', () => {
	it('follows user-update events of its own user only, and never rolls back', () => {
		const account = createAccountStore();
		account.fill(user('me', 'Me'), 4);
		account.apply(5, { type: 'user-update', data: user('other', 'Other') });
		expect(get(account)?.value?.name).toBe('Me');
		account.apply(6, { type: 'user-update', data: { ...user('me', 'New me'), type: 'admin' } });
		expect(get(account)?.value).toMatchObject({ name: 'New me', type: 'admin' });
		account.apply(3, { type: 'user-update', data: user('me', 'Old me') });
		expect(get(account)?.value?.name).toBe('New me');
	});

	it('a deletion of its user empties it', () => {
		expect(
			applyAccountEvent(user('me', 'Me'), { type: 'user-delete', data: { id: 'me' } })
		).toBeNull();
		expect(applyAccountEvent(null, { type: 'user-update', data: user('me', 'Me') })).toBeNull();
	});
});

describe('the account security store', () => {
	const login = (id: string, lastSeenAt: number): ApiOwnSession => ({
		id,
		createdAt: 1,
		lastSeenAt,
		userAgent: `agent ${id}`
	});
	const filled = () => {
		const store = createAccountSecurityStore();
		store.fill({ userId: 'me', sessions: [login('a', 5), login('b', 3)], securityRecords: [] }, 10);
		return store;
	};

	it('applies one login or record per event: added, updated, ended, recorded', () => {
		const store = filled();
		store.apply(11, {
			type: 'session-update',
			data: { userId: 'me', session: login('c', 9) }
		});
		store.apply(12, { type: 'session-update', data: { userId: 'me', session: login('b', 12) } });
		store.apply(13, { type: 'session-delete', data: { userId: 'me', id: 'a' } });
		const record = {
			kind: 'session-taken',
			createdAt: 14,
			userAgent: 'thief',
			otherUserAgent: 'owner'
		} as const;
		store.apply(14, { type: 'security-record', data: { userId: 'me', record } });
		expect(get(store)?.value?.sessions.map((s) => [s.id, s.lastSeenAt])).toEqual([
			['b', 12],
			['c', 9]
		]);
		expect(get(store)?.value?.securityRecords).toEqual([record]);
		expect(store.lastEventId()).toBe(14);
	});

	it('never applies an event at or below its snapshot, nor another user’s', () => {
		const store = filled();
		store.apply(10, { type: 'session-delete', data: { userId: 'me', id: 'a' } });
		store.apply(9, { type: 'session-update', data: { userId: 'me', session: login('x', 1) } });
		store.apply(11, { type: 'session-delete', data: { userId: 'other', id: 'b' } });
		store.apply(12, {
			type: 'security-record',
			data: {
				userId: 'other',
				record: { kind: 'session-taken', createdAt: 1, userAgent: '', otherUserAgent: '' }
			}
		});
		expect(get(store)?.value?.sessions.map((s) => s.id)).toEqual(['a', 'b']);
		expect(get(store)?.value?.securityRecords).toEqual([]);
	});

	it('applying the same event twice is harmless', () => {
		const once = applyAccountSecurityEvent(
			{ userId: 'me', sessions: [login('a', 5)], securityRecords: [] },
			{ type: 'session-update', data: { userId: 'me', session: login('a', 7) } }
		);
		const twice = applyAccountSecurityEvent(once, {
			type: 'session-update',
			data: { userId: 'me', session: login('a', 7) }
		});
		expect(twice).toEqual(once);
	});
});
