import { interestAction } from '$lib/server/interests/interest-action';
import { loadDayPage } from '$lib/server/schedule/day-page';
import type { Actions, PageServerLoad } from './$types';

/** The schedule opens on today, or the next day with entries (src/lib/server/schedule/day-page.ts). */
export const load: PageServerLoad = (event) => loadDayPage(event, null);

export const actions: Actions = { interest: interestAction };
