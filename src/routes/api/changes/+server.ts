import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http';
import { beforeOf, readChangesPage } from '$lib/server/schedule/change-log';

/** The public schedule's changes, newest first, a page at a time (`?before=`): public. */
export const GET = endpoint(async ({ url }) => {
	const { lastEventId, changes, older } = await readChangesPage(beforeOf(url));
	return json({ lastEventId, changes, older });
});
