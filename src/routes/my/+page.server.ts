import { interestAction } from '$lib/server/interests/interest-action';
import { visibleInterestIds } from '$lib/server/interests/interests';
import { readSnapshot } from '$lib/server/load';
import { redirectToLogin } from '$lib/server/login-redirect';
import { latestChanges } from '$lib/server/schedule/change-log';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { toApiShift } from '$lib/server/types';
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
	const { lastEventId, data } = await readSnapshot(async (records) => {
		const entries = await visibleEntries(records, type);
		return {
			entries,
			changedIn: await latestChanges(records, entries),
			locations: await records.locations.list(),
			interests: await visibleInterestIds(records, id, type),
			shifts: seesShifts(type) ? (await records.shifts.listOf(id)).map(toApiShift) : null
		};
	});
	return { lastEventId, ...data, userId: id };
};

export const actions: Actions = { interest: interestAction };
