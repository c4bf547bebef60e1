import type { PublicCalendar } from '../schedule/public-calendar';

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

/**
 * A calendar as calendar apps poll it: with its validators, and 304 when their copy is current.
 * `cacheControl` says whether shared caches may keep it (never for a personal feed).
 */
export function calendarResponse(
	request: Request,
	calendar: PublicCalendar,
	filename: string,
	cacheControl = 'no-cache'
): Response {
	const headers = {
		etag: calendar.etag,
		'last-modified': new Date(calendar.lastModified).toUTCString(),
		'cache-control': cacheControl
	};
	if (notModified(request, calendar.etag, calendar.lastModified)) {
		return new Response(null, { status: 304, headers });
	}
	return new Response(calendar.body, {
		headers: {
			...headers,
			'content-type': 'text/calendar; charset=utf-8',
			'content-disposition': `inline; filename="${filename}"`
		}
	});
}
