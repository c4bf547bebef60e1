import { getDb } from '$lib/server/db';
import { interestAction } from '$lib/server/interests/interest-action';
import { visibleInterestIds } from '$lib/server/interests/interests';
import { readSnapshot } from '$lib/server/load';
import { listLocations } from '$lib/server/schedule/location-store';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/users/api-user';
import { countUsers } from '$lib/server/users/user-store';
import { takeFirstVisit } from '$lib/server/users/welcome';
import type { Actions, PageServerLoad } from './$types';

/** The schedule as the viewer's level may see it; the page filters and groups it. */
export const load: PageServerLoad = ({ cookies, url, locals }) => {
	const viewer = accessLevelOf(locals.user);
	const db = getDb();
	const { lastEventId, data } = readSnapshot(() => ({
		locations: listLocations(db),
		entries: visibleEntries(db, viewer),
		// The account's marks, for the mark buttons; the public has none.
		interests: locals.user ? visibleInterestIds(db, locals.user.id, viewer) : null,
		// Nobody has registered yet: the first visitor is about to set the instance up.
		newInstance: !locals.user && countUsers(db) === 0
	}));
	const location = url.searchParams.get('location');
	locals.cacheable =
		!locals.user && (!location || data.locations.some((place) => place.id === location));
	return {
		lastEventId,
		...data,
		viewer,
		now: locals.renderMinute ?? Date.now(),
		firstVisit: takeFirstVisit(cookies, url, locals.user?.id)
	};
};

export const actions: Actions = { interest: interestAction };
