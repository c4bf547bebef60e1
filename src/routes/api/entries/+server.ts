import { json } from '@sveltejs/kit';
import { entryCreateSchema } from '$lib/api';
import { getDb } from '$lib/server/db';
import { endpoint, readJson, requireSession } from '$lib/server/http';
import { toApiEntry } from '$lib/server/schedule/api-entry';
import { createEntry } from '$lib/server/schedule/entries';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/users/api-user';
import { requireAdmin } from '$lib/server/users/admin';

/** What the viewer's level may see, in schedule order. */
export const GET = endpoint(({ locals }) =>
	json(visibleEntries(getDb(), accessLevelOf(locals.user)))
);

export const POST = endpoint(async ({ locals, request }) => {
	const { session, user } = requireSession(locals);
	requireAdmin(user);
	const entry = createEntry(session, await readJson(request, entryCreateSchema));
	return json(toApiEntry(entry, 'admin'), { status: 201 });
});
