import { json } from '@sveltejs/kit';
import { userQuerySchema } from '$lib/api';
import { storage } from '$lib/server/storage';
import { endpoint, parseInput } from '$lib/server/http';
import { accessLevelOf } from '$lib/server/auth/access-level';
import { searchVisibleUsers } from '$lib/server/users/visible-users';

/**
 * Without parameters every user the viewer may see, oldest first, as always; `q`, `sort`,
 * `order`, `limit` and `offset` pick a window. `X-Total-Count` tells how many match in all.
 */
export const GET = endpoint(async ({ locals, url }) => {
	const query = parseInput(userQuerySchema, Object.fromEntries(url.searchParams));
	const { users, total } = await storage().read(
		async (records) => await searchVisibleUsers(records, accessLevelOf(locals.user), query)
	);
	return json(users, { headers: { 'x-total-count': String(total) } });
});
