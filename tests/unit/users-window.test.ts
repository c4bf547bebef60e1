import { describe, expect, it } from 'vitest';
import type { ApiEvent, ApiUser } from '$lib/api';
import { applyUserEvent, createUsersStore, type UsersWindow } from '$lib/client/stores/users';
import { containing as likePattern } from '$lib/server/storage/sql/records/like';

const user = (id: string, name: string, createdAt: number): ApiUser => ({
	id,
	name,
	type: 'regular',
	createdAt
});
const update = (data: ApiUser): ApiEvent => ({ type: 'user-update', data });

/** Newest first, as the /users page shows by default. */
const newestFirst: UsersWindow = {
	q: '',
	sort: 'created',
	order: 'desc',
	first: true,
	last: false
};
const page = [user('c', 'Cleo', 30), user('b', 'Bob', 20)];

describe('the users page applies events to the page it shows', () => {
	it('a shown user changes in place', () => {
		const renamed = { ...page[1], name: 'Bobby', type: 'crew' as const };
		expect(applyUserEvent(page, update(renamed), newestFirst)).toEqual([page[0], renamed]);
	});

	it('a newcomer appears on the first page when sorted by newest', () => {
		const newcomer = user('d', 'Dora', 40);
		expect(applyUserEvent(page, update(newcomer), newestFirst)).toEqual([newcomer, ...page]);
	});

	it('a newcomer does not appear on a later page: it belongs to the first', () => {
		const later = { ...newestFirst, first: false, last: true };
		expect(applyUserEvent(page, update(user('d', 'Dora', 40)), later)).toBe(page);
	});

	it('a newcomer sorting after the page shows only on the last page', () => {
		const byName: UsersWindow = { q: '', sort: 'name', order: 'asc', first: true, last: false };
		const sorted = [page[1], page[0]];
		expect(applyUserEvent(sorted, update(user('z', 'Zed', 1)), byName)).toBe(sorted);
		const last = { ...byName, last: true };
		expect(applyUserEvent(sorted, update(user('z', 'Zed', 1)), last).map((u) => u.name)).toEqual([
			'Bob',
			'Cleo',
			'Zed'
		]);
		// Ignoring case, as SQLite's NOCASE does: bea before Bob.
		expect(applyUserEvent(sorted, update(user('a', 'bea', 1)), last).map((u) => u.name)).toEqual([
			'bea',
			'Bob',
			'Cleo'
		]);
	});

	it('with a search, a user that does not match never appears, and a shown one renamed away leaves', () => {
		const search = { ...newestFirst, q: 'o' };
		expect(applyUserEvent(page, update(user('d', 'Ann', 40)), search)).toBe(page);
		expect(applyUserEvent(page, update({ ...page[1], name: 'Ann' }), search)).toEqual([page[0]]);
	});

	it('a deleted user leaves the page', () => {
		expect(applyUserEvent(page, { type: 'user-delete', data: { id: 'b' } }, newestFirst)).toEqual([
			page[0]
		]);
	});

	it('the store applies events by the window it was last filled with', () => {
		const store = createUsersStore();
		store.fillWindow(page, 5, { ...newestFirst, first: false });
		store.apply(6, update(user('d', 'Dora', 40)));
		let value: ApiUser[] = [];
		store.subscribe((state) => (value = state?.value ?? []))();
		expect(value).toEqual(page);
	});
});

describe('searching names', () => {
	it('% and _ in a search are literal characters, not LIKE wildcards', () => {
		expect(likePattern('100%_x\\')).toBe('%100\\%\\_x\\\\%');
	});
});
