import type { AccessLevel, ApiUser } from '$lib/api';
import type { Db } from '../db';
import { toApiUser } from './api-user';
import { listUsers } from './user-store';

/** The users a viewer may see: none for the public, all of them (projected) otherwise. */
export function visibleUsers(db: Db, viewer: AccessLevel): ApiUser[] {
	if (viewer === 'public') return [];
	return listUsers(db).map((user) => toApiUser(user, viewer));
}
