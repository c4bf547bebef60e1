import { interestAction } from '$lib/server/interests/interest-action';
import { loadDayPage } from '$lib/server/schedule/day-page';
import type { Actions, PageServerLoad } from './$types';

/** One day of the gathering; 404 for a path that names no date. */
export const load: PageServerLoad = (event) => loadDayPage(event, event.params.date);

export const actions: Actions = { interest: interestAction };
