import { browser } from '$app/environment';
import { fillAccount, fillSettings } from '$lib/client/live';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = ({ data }) => {
	if (browser) {
		fillAccount(data.session, data.lastEventId);
		fillSettings(data.settings, data.lastEventId);
	}
	return data;
};
