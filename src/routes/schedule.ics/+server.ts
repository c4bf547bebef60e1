import { getDb } from '$lib/server/db';
import { publicCalendar } from '$lib/server/schedule/public-calendar';
import type { RequestHandler } from './$types';

/** True when the client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110). */
function notModified(request: Request, etag: string, lastModified: number): boolean {
	const ifNoneMatch = request.headers.get('if-none-match');
	if (ifNoneMatch !== null) {
		return ifNoneMatch
			.split(',')
			.map((tag) => tag.trim().replace(/^W\//, ''))
			.some((tag) => tag === etag || tag === '*');
	}
	const since = Date.parse(request.headers.get('if-modified-since') ?? '');
	return !Number.isNaN(since) && lastModified <= since;
}

/** The public schedule as iCalendar, for calendar apps to subscribe to. */
export const GET: RequestHandler = ({ request }) => {
	const calendar = publicCalendar(getDb());
	const headers = {
		etag: calendar.etag,
		'last-modified': new Date(calendar.lastModified).toUTCString(),
		'cache-control': 'no-cache'
	};
	if (notModified(request, calendar.etag, calendar.lastModified)) {
		return new Response(null, { status: 304, headers });
	}
	return new Response(calendar.body, {
		headers: {
			...headers,
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': 'inline; filename="schedule.ics"'
		}
	});
};
