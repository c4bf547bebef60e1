import { browser } from '$app/environment';
import { fillSchedule } from '$lib/client/live';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) fillSchedule(data.locations, data.entries, data.lastEventId);
	return data;
};
