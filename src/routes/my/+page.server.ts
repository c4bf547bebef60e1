import { interestAction } from '$lib/server/interests/interest-action';
import { visibleInterestIds } from '$lib/server/interests/interests';
import { readSnapshot } from '$lib/server/load';
import { redirectToLogin } from '$lib/server/login-redirect';
import { listLocations } from '$lib/server/schedule/location-store';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { toApiShift } from '$lib/server/shifts/server-shift';
import { listShiftsOf } from '$lib/server/shifts/shift-store';
import { seesShifts } from '$lib/server/shifts/visible-shifts';
import type { Actions, PageServerLoad } from './$types';

/**
 * The account's own plan: the entries it marked and, for crew and admins, the shifts it holds.
 * Every visible entry comes along (as on `/`), so an entry marked in another tab shows here at
 * once; the page shows the marked ones.
 */
export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirectToLogin(locals);
	const { id, type } = locals.user;
	const { lastEventId, data } = await readSnapshot((db) => ({
		entries: visibleEntries(db, type),
		locations: listLocations(db),
		interests: visibleInterestIds(db, id, type),
		shifts: seesShifts(type) ? listShiftsOf(db, id).map(toApiShift) : null
	}));
	return { lastEventId, ...data, userId: id };
};

export const actions: Actions = { interest: interestAction };
