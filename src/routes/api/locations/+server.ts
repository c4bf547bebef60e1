import { json } from '@sveltejs/kit';
import { locationCreateSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { createLocation } from '$lib/server/schedule/locations';

/** Locations are public. */
export const GET = endpoint(async () =>
	json(await storage().read(async (records) => await records.locations.list()))
);

export const POST = endpoint(async ({ locals, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const location = await createLocation(session, await readJson(request, locationCreateSchema));
	return json(location, { status: 201 });
});
