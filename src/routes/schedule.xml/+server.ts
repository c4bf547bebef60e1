import { feedResponse } from '$lib/server/feeds/feed-response';
import { publicFrab } from '$lib/server/schedule/public-frab';
import type { RequestHandler } from './$types';

/** The public schedule as frab XML, for conference schedule apps (EventFahrplan, Giggity…). */
export const GET: RequestHandler = async ({ request, url }) =>
	feedResponse(request, await publicFrab('xml', url.origin), {
		contentType: 'application/xml; charset=utf-8',
		filename: 'schedule.xml'
	});
