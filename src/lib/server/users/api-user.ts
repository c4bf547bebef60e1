import type { AccessLevel, ApiUser } from '$lib/api';
import type { ServerUser } from '../types';

export function accessLevelOf(user: ServerUser | null | undefined): AccessLevel {
	return user?.type ?? 'public';
}

/** What a viewer may see of a user; admins also see when the user was last active and whether
 * they are suspended. */
export function toApiUser(user: ServerUser, viewer: AccessLevel): ApiUser {
	const seen: ApiUser = {
		id: user.id,
		name: user.name,
		type: user.type,
		createdAt: user.createdAt
	};
	return viewer === 'admin'
		? { ...seen, lastSeenAt: user.lastSeenAt, suspended: Boolean(user.suspendedAt) }
		: seen;
}
