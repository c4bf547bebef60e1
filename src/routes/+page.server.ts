import { takeFirstVisit } from '$lib/server/users/welcome';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ cookies, url, locals }) => ({
	firstVisit: takeFirstVisit(cookies, url, locals.user?.id)
});
