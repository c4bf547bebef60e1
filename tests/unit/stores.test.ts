import { get } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import type { ApiUser } from '$lib/api';
import { applyAccountEvent, createAccountStore } from '$lib/client/stores/account';
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
