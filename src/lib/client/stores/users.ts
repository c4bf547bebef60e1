import type { ApiEvent, ApiUser } from '$lib/api';
import { createVersionedStore } from './versioned';

export function applyUserEvent(users: ApiUser[], event: ApiEvent): ApiUser[] {
	switch (event.type) {
		case 'user-update': {
			const others = users.filter((user) => user.id !== event.data.id);
			return [...others, event.data].sort(
				(a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)
			);
		}
		case 'user-delete':
			return users.filter((user) => user.id !== event.data.id);
		default:
			return users;
	}
}

/** The users the viewer may see: page data, then live events. */
export const createUsersStore = () => createVersionedStore(applyUserEvent);
