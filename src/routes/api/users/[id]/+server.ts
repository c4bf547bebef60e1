import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';
import { kitRoute } from '$lib/server/api-changes/kit-route';
import { userDelete, userPatch } from '$lib/server/api-changes/changes';
import { endpoint } from '$lib/server/http';
import { Refusal } from '$lib/server/refusal';
import { accessLevelOf, toApiUser } from '$lib/server/auth/access-level';

/** The public sees no users: to it, every id is unknown. */
export const GET = endpoint(async ({ locals, params }) => {
	const viewer = accessLevelOf(locals.user);
	const user =
		viewer === 'public'
			? undefined
			: await storage().read(async (records) => await records.users.find(params.id!));
	if (!user) throw new Refusal(404, 'no such user');
	return json(toApiUser(user, viewer));
});

export const PATCH = kitRoute(userPatch);

export const DELETE = kitRoute(userDelete);
