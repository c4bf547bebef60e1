import { json } from '@sveltejs/kit';
import { entryPatchSchema } from '$lib/api';
import { getDb } from '$lib/server/db';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { toApiEntry } from '$lib/server/schedule/api-entry';
import { deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { visibleEntry } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/users/api-user';
import { requireAdmin } from '$lib/server/users/admin';

/** 404 for an entry the viewer may not see, as for one that does not exist. */
export const GET = endpoint(({ locals, params }) =>
	json(visibleEntry(getDb(), params.id!, accessLevelOf(locals.user)))
);

export const PATCH = endpoint(async ({ locals, params, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const entry = updateEntry(session, params.id!, await readJson(request, entryPatchSchema));
	return json(toApiEntry(entry, 'admin'));
});

export const DELETE = endpoint(({ locals, params }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	deleteEntry(session, params.id!);
	return new Response(null, { status: 204 });
});
