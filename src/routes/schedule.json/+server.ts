import { feedResponse } from '$lib/server/feeds/feed-response';
import { publicFrab } from '$lib/server/schedule/public-frab';
import type { RequestHandler } from './$types';

/** The public schedule as frab JSON, the same schedule as /schedule.xml for newer readers. */
export const GET: RequestHandler = async ({ request, url }) =>
	feedResponse(request, await publicFrab('json', url.origin), {
		contentType: 'application/json; charset=utf-8',
		filename: 'schedule.json'
	});
