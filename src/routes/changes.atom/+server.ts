import { feedResponse } from '$lib/server/feeds/feed-response';
import { publicChangesFeed } from '$lib/server/schedule/changes-atom';
import type { RequestHandler } from './$types';

/** The public schedule's latest changes as an Atom feed, for feed readers. */
export const GET: RequestHandler = async ({ request, url }) =>
	feedResponse(request, await publicChangesFeed(url.origin), {
		contentType: 'application/atom+xml; charset=utf-8',
		filename: 'changes.atom'
	});
