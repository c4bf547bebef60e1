import { browser } from '$app/environment';
import { fillInterests, fillSchedule } from '$lib/client/live';
import type { PageLoad } from './$types';

/** The entries store holds this one entry here; the schedule page refills it whole. */
export const load: PageLoad = ({ data }) => {
	if (browser) {
		fillSchedule(data.locations, [data.entry], data.lastEventId);
		fillInterests(data.interests, data.lastEventId);
	}
	return data;
};
