import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { endpoint } from '$lib/server/http';
import { accessLevelOf } from '$lib/server/users/api-user';
import { visibleUsers } from '$lib/server/users/visible-users';

export const GET = endpoint(({ locals }) =>
	json(visibleUsers(getDb(), accessLevelOf(locals.user)))
);
