import { browser } from '$app/environment';
import { fillInterests, fillSchedule } from '$lib/client/live';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) {
		fillSchedule(data.locations, data.entries, data.lastEventId);
		fillInterests(data.interests, data.lastEventId);
	}
	return data;
};
