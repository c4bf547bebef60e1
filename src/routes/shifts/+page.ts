import { browser } from '$app/environment';
import { fillShiftsPage } from '$lib/client/live';
import type { PageLoad } from './$types';

/** The users store holds the crew here, so names on the shifts follow renames live. */
export const load: PageLoad = ({ data }) => {
	if (browser) fillShiftsPage(data);
	return data;
};
