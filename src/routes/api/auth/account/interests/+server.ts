import { json } from '@sveltejs/kit';
import type { ApiInterests } from '$lib/api';
import { getDb } from '$lib/server/db';
import { endpoint, requireSession } from '$lib/server/http';
import { visibleInterestIds } from '$lib/server/interests/interests';

/** The entries the account marked that it may see now, oldest mark first. */
export const GET = endpoint(({ locals }) => {
	const { user } = requireSession(locals);
	return json({ entryIds: visibleInterestIds(getDb(), user.id, user.type) } satisfies ApiInterests);
});
