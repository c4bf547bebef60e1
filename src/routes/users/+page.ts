import { browser } from '$app/environment';
import { fillUsers } from '$lib/client/live';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) fillUsers(data.users, data.lastEventId);
	return data;
};
