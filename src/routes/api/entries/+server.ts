import { json } from '@sveltejs/kit';
import { storage } from '$lib/server/storage';
import { entryCreate } from '$lib/server/api-changes/changes';
import { kitRoute } from '$lib/server/api-changes/kit-route';
import { endpoint } from '$lib/server/http';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/auth/access-level';

/** What the viewer's level may see, in schedule order. */
export const GET = endpoint(async ({ locals }) =>
	json(
		await storage().read(
			async (records) => await visibleEntries(records, accessLevelOf(locals.user))
		)
	)
);

export const POST = kitRoute(entryCreate);
