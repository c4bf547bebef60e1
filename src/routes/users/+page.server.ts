import { getDb } from '$lib/server/db';
import { readSnapshot } from '$lib/server/load';
import { accessLevelOf } from '$lib/server/users/api-user';
import { visibleUsers } from '$lib/server/users/visible-users';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	const viewer = accessLevelOf(locals.user);
	const { lastEventId, data: users } = readSnapshot(() => visibleUsers(getDb(), viewer));
	return { lastEventId, users, viewer };
};
