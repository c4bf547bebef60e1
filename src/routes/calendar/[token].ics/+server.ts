import { error } from '@sveltejs/kit';
import { calendarResponse } from '$lib/server/calendar/calendar-response';
import { personalCalendar } from '$lib/server/calendar/personal-calendar';
import type { RequestHandler } from './$types';

/** A secret is 43 base64url characters; anything else is no feed, without a hash to compute. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A personal plan for calendar apps: the secret in the URL is the only key, so no cookie. */
export const GET: RequestHandler = async ({ params, request }) => {
	const calendar = tokenPattern.test(params.token) && (await personalCalendar(params.token));
	if (!calendar) error(404, 'no such calendar');
	// Private: a shared cache must never hand one person's plan to another.
	return calendarResponse(request, calendar, 'my-plan.ics', 'private, no-cache');
};
