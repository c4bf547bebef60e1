import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { entryDelete, entryPatch } from '$lib/server/api-changes/changes';
import { kitRoute } from '$lib/server/api-changes/kit-route';
import { endpoint } from '$lib/server/http';
import { visibleEntry } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/users/api-user';

/** 404 for an entry the viewer may not see, as for one that does not exist. */
export const GET = endpoint(({ locals, params }) =>
	json(visibleEntry(getDb(), params.id!, accessLevelOf(locals.user)))
);

export const PATCH = kitRoute(entryPatch);

export const DELETE = kitRoute(entryDelete);
