import { getDb } from '$lib/server/db';
import { readSnapshot } from '$lib/server/load';
import { listLocations } from '$lib/server/schedule/location-store';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/users/api-user';
import { takeFirstVisit } from '$lib/server/users/welcome';
import type { PageServerLoad } from './$types';

/** The schedule as the viewer's level may see it; the page filters and groups it. */
export const load: PageServerLoad = ({ cookies, url, locals }) => {
	const viewer = accessLevelOf(locals.user);
	const db = getDb();
	const { lastEventId, data } = readSnapshot(() => ({
		locations: listLocations(db),
		entries: visibleEntries(db, viewer)
	}));
	return {
		lastEventId,
		...data,
		viewer,
		now: Date.now(),
		firstVisit: takeFirstVisit(cookies, url, locals.user?.id)
	};
};
