import type { ApiEvent, ApiUser, UserSort } from '$lib/api';
import { createVersionedStore } from './versioned';

/** What the users list shows: a search, an order, and where its page lies in the whole list. */
export interface UsersWindow {
	q: string;
	sort: UserSort;
	order: 'asc' | 'desc';
	/** The page holds the first, the last matching user: a newcomer before or after it fits. */
	first: boolean;
	last: boolean;
}

/** Every user, oldest first: what GET /api/users answers without parameters. */
export const wholeList: UsersWindow = {
	q: '',
	sort: 'created',
	order: 'asc',
	first: true,
	last: true
};

const sortKey: Record<UserSort, (user: ApiUser) => string | number> = {
	name: (user) => user.name.toLowerCase(),
	created: (user) => user.createdAt,
	lastSeen: (user) => user.lastSeenAt ?? 0
};

/** The server's order (`records.users.query`): the sort key, then the id, both one way. */
function compareUsers(window: Pick<UsersWindow, 'sort' | 'order'>) {
	const key = sortKey[window.sort];
	const sign = window.order === 'desc' ? -1 : 1;
	return (a: ApiUser, b: ApiUser): number => {
		const [x, y] = [key(a), key(b)];
		if (x !== y) return x < y ? -sign : sign;
		return a.id === b.id ? 0 : a.id < b.id ? -sign : sign;
	};
}

const matchesSearch = (user: ApiUser, q: string) =>
	user.name.toLowerCase().includes(q.toLowerCase());

/**
 * Applies an event to the page of users shown. A shown user changes in place (and leaves when
 * it no longer matches the search); another one joins only when it sorts within this page, or
 * before the first page, or after the last: it would be on another page otherwise.
 */
export function applyUserEvent(
	users: ApiUser[],
	event: ApiEvent,
	window: UsersWindow = wholeList
): ApiUser[] {
	switch (event.type) {
		case 'user-update': {
			const user = event.data;
			const shown = users.some((other) => other.id === user.id);
			const others = users.filter((other) => other.id !== user.id);
			if (!matchesSearch(user, window.q)) return shown ? others : users;
			const compare = compareUsers(window);
			const at = others.findIndex((other) => compare(user, other) < 0);
			const position = at === -1 ? others.length : at;
			const fits =
				shown ||
				(others.length === 0
					? window.first
					: (position > 0 || window.first) && (position < others.length || window.last));
			if (!fits) return users;
			return [...others.slice(0, position), user, ...others.slice(position)];
		}
		case 'user-delete':
			return users.filter((user) => user.id !== event.data.id);
		default:
			return users;
	}
}

/** The users the viewer may see on the page shown: page data, then live events. */
export function createUsersStore() {
	let window = wholeList;
	const store = createVersionedStore<ApiUser[]>((users, event) =>
		applyUserEvent(users, event, window)
	);
	return {
		...store,
		/** Fills the store with a page of users and the window the page shows. */
		fillWindow(users: ApiUser[], lastEventId: number, shows: UsersWindow) {
			window = shows;
			store.fill(users, lastEventId);
		}
	};
}
