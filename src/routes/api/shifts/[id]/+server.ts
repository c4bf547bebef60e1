import { json } from '@sveltejs/kit';
import { shiftPatchSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { toApiShift } from '$lib/server/types';
import { deleteShift, updateShift } from '$lib/server/shifts/shifts';
import { visibleShift } from '$lib/server/shifts/visible-shifts';
import { accessLevelOf } from '$lib/server/auth/access-level';

export const GET = endpoint(async ({ locals, params }) =>
	json(
		await storage().read(
			async (records) => await visibleShift(records, params.id!, accessLevelOf(locals.user))
		)
	)
);

/** Admins may set `crewIds` directly (crew and admin users only), overlaps included. */
export const PATCH = endpoint(async ({ locals, params, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const shift = await updateShift(session, params.id!, await readJson(request, shiftPatchSchema));
	return json(toApiShift(shift));
});

export const DELETE = endpoint(async ({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	await deleteShift(session, params.id!);
	return new Response(null, { status: 204 });
});
