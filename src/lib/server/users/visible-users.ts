import type { AccessLevel, ApiUser, UserQuery } from '$lib/api';
import type { Records } from '../storage';
import { Refusal } from '../refusal';
import { toApiUser } from '../auth/access-level';

/** One window of the users a viewer may see that match a search, and how many match in all. */
export async function searchVisibleUsers(
	records: Records,
	viewer: AccessLevel,
	query: UserQuery
): Promise<{ users: ApiUser[]; total: number }> {
	if (viewer === 'public') return { users: [], total: 0 };
	// The order would tell who was active when, which only admins may know.
	if (query.sort === 'lastSeen' && viewer !== 'admin') {
		throw new Refusal(403, 'only an admin may sort by lastSeen');
	}
	const { users, total } = await records.users.query(query);
	return { users: users.map((user) => toApiUser(user, viewer)), total };
}
