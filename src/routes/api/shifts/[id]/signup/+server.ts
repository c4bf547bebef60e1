import { json } from '@sveltejs/kit';
import { endpoint, requireSession } from '$lib/server/http';
import { requireCrew } from '$lib/server/shifts/crew';
import { toApiShift } from '$lib/server/shifts/server-shift';
import { leaveShift, takeShift } from '$lib/server/shifts/signup';

/** The caller takes a place: 200 with the shift; 409 when it is full, over, or overlaps one held. */
export const POST = endpoint(({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireCrew(user);
	return json(toApiShift(takeShift(session, params.id!)));
});

/** The caller leaves their place: 200 with the shift. */
export const DELETE = endpoint(({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireCrew(user);
	return json(toApiShift(leaveShift(session, params.id!)));
});
