import { browser } from '$app/environment';
import { fillInterests, fillSchedule, fillShifts } from '$lib/client/live';
import { fillChanges } from '$lib/client/schedule-changes';
import type { PageLoad } from './$types';

/** The shifts store holds the account's shifts here; a shift it is put on arrives as an event. */
export const load: PageLoad = ({ data }) => {
	if (browser) {
		fillSchedule(data.locations, data.entries, data.lastEventId);
		fillInterests(data.interests, data.lastEventId);
		fillChanges(data.changedIn, data.lastEventId);
		if (data.shifts) fillShifts(data.shifts, data.lastEventId);
	}
	return data;
};
