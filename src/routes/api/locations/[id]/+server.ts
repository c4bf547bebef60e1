import { json } from '@sveltejs/kit';
import { locationPatchSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { Refusal } from '$lib/server/refusal';
import { deleteLocation, updateLocation } from '$lib/server/schedule/locations';

export const GET = endpoint(async ({ params }) => {
	const location = await storage().read(
		async (records) => await records.locations.find(params.id!)
	);
	if (!location) throw new Refusal(404, 'no such location');
	return json(location);
});

export const PATCH = endpoint(async ({ locals, params, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	return json(
		await updateLocation(session, params.id!, await readJson(request, locationPatchSchema))
	);
});

/** 409 while entries use the location. */
export const DELETE = endpoint(async ({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	await deleteLocation(session, params.id!);
	return new Response(null, { status: 204 });
});
