import { json } from '@sveltejs/kit';
import { shiftCreateSchema } from '$lib/api';
import { requireAdmin } from '$lib/server/auth/actor';
import { storage } from '$lib/server/storage';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { toApiShift } from '$lib/server/types';
import { createShift } from '$lib/server/shifts/shifts';
import { visibleShifts } from '$lib/server/shifts/visible-shifts';
import { accessLevelOf } from '$lib/server/auth/access-level';

/** Every shift, in time order: crew and admins only (401 for the public, 403 for regular users). */
export const GET = endpoint(async ({ locals }) =>
	json(
		await storage().read(
			async (records) => await visibleShifts(records, accessLevelOf(locals.user))
		)
	)
);

export const POST = endpoint(async ({ locals, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const shift = await createShift(session, await readJson(request, shiftCreateSchema));
	return json(toApiShift(shift), { status: 201 });
});
