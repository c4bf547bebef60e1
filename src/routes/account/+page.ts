import { browser } from '$app/environment';
import { fillAccountSecurity } from '$lib/client/live';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) fillAccountSecurity(data.security, data.lastEventId);
	return data;
};
