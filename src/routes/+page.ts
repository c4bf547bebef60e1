import { browser } from '$app/environment';
import { fillInterests, fillSchedule } from '$lib/client/live';
import { fillChanges } from '$lib/client/schedule-changes';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) {
		fillSchedule(data.locations, data.entries, data.lastEventId);
		fillInterests(data.interests, data.lastEventId);
		fillChanges(data.changedIn, data.lastEventId);
	}
	return data;
};
