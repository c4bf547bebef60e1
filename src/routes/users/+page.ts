import { browser } from '$app/environment';
import { fillUsers } from '$lib/client/live';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ data }) => {
	if (browser) {
		const { q, sort, order, page } = data.query;
		fillUsers(data.users, data.lastEventId, {
			q,
			sort,
			order,
			first: page === 1,
			last: page >= data.pages
		});
	}
	return data;
};
