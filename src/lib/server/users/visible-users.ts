import type { AccessLevel, ApiUser, UserQuery } from '$lib/api';
import type { Db } from '../storage';
import { Refusal } from '../refusal';
import { toApiUser } from './api-user';
import { queryUsers } from './user-store';

/** One window of the users a viewer may see that match a search, and how many match in all. */
export function searchVisibleUsers(
	db: Db,
	viewer: AccessLevel,
	query: UserQuery
): { users: ApiUser[]; total: number } {
	if (viewer === 'public') return { users: [], total: 0 };
	// The order would tell who was active when, which only admins may know.
	if (query.sort === 'lastSeen' && viewer !== 'admin') {
		throw new Refusal(403, 'only an admin may sort by lastSeen');
	}
	const { users, total } = queryUsers(db, query);
	return { users: users.map((user) => toApiUser(user, viewer)), total };
}
