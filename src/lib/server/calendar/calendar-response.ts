import { feedResponse, type Feed } from '../feeds/feed-response';

/**
 * A calendar as calendar apps poll it (the conditional GET is shared with the frab schedule).
 * `cacheControl` says whether shared caches may keep it (never for a personal feed).
 */
export function calendarResponse(
	request: Request,
	calendar: Feed,
	filename: string,
	cacheControl = 'no-cache'
): Response {
	return feedResponse(request, calendar, {
		contentType: 'text/calendar; charset=utf-8',
		filename,
		cacheControl
	});
}
