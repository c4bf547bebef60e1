import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';
import { entryDelete, entryPatch } from '$lib/server/api-changes/changes';
import { kitRoute } from '$lib/server/api-changes/kit-route';
import { endpoint } from '$lib/server/http';
import { versionTag } from '$lib/server/refusal';
import { visibleEntry } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/auth/access-level';

/**
 * 404 for an entry the viewer may not see, as for one that does not exist. An admin gets its
 * version as the ETag, for a PATCH's If-Match.
 */
export const GET = endpoint(async ({ locals, params }) => {
	const entry = await storage().read(
		async (records) => await visibleEntry(records, params.id!, accessLevelOf(locals.user))
	);
	return json(entry, {
		headers: entry.version === undefined ? {} : { etag: versionTag(entry.version) }
	});
});

export const PATCH = kitRoute(entryPatch);

export const DELETE = kitRoute(entryDelete);
