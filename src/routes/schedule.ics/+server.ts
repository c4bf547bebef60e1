import { calendarResponse } from '$lib/server/calendar/calendar-response';
import { storage } from '$lib/server/storage';
import { publicCalendar } from '$lib/server/schedule/public-calendar';
import type { RequestHandler } from './$types';

/** The public schedule as iCalendar, for calendar apps to subscribe to. */
export const GET: RequestHandler = ({ request }) =>
	calendarResponse(request, publicCalendar(storage().db), 'schedule.ics');
