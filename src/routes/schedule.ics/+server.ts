import { calendarResponse } from '$lib/server/calendar/calendar-response';
import { publicCalendar } from '$lib/server/schedule/public-calendar';
import type { RequestHandler } from './$types';

/** The public schedule as iCalendar, for calendar apps to subscribe to. */
export const GET: RequestHandler = async ({ request }) =>
	calendarResponse(request, await publicCalendar(), 'schedule.ics');
