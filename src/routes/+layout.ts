import { browser } from '$app/environment';
import { fillAccount } from '$lib/client/live';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ data }) => {
	if (browser) fillAccount(data.session, data.lastEventId);
	return data;
};
