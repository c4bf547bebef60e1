import { calendarResponse } from '$lib/server/calendar/calendar-response';
import { getDb } from '$lib/server/db';
import { publicCalendar } from '$lib/server/schedule/public-calendar';
import type { RequestHandler } from './$types';

/** The public schedule as iCalendar, for calendar apps to subscribe to. */
export const GET: RequestHandler = ({ request }) =>
	calendarResponse(request, publicCalendar(getDb()), 'schedule.ics');
