import { browser } from '$app/environment';
import { fillLocations, fillShifts, fillUsers } from '$lib/client/live';
import type { PageLoad } from './$types';

/** The users store holds the crew here, so names on the shifts follow renames live. */
export const load: PageLoad = ({ data }) => {
	if (browser) {
		fillShifts(data.shifts, data.lastEventId);
		fillUsers(data.people, data.lastEventId);
		fillLocations(data.locations, data.lastEventId);
	}
	return data;
};
