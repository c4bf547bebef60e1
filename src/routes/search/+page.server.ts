import { searchEntries } from '$lib/server/schedule/search';
import { accessLevelOf } from '$lib/server/auth/access-level';
import type { PageServerLoad } from './$types';

/** A plain GET search (`?q=`): works without JavaScript, answers what the viewer may see. */
export const load: PageServerLoad = ({ locals, url }) =>
	searchEntries(url.searchParams.get('q'), accessLevelOf(locals.user));
