import { json } from '@sveltejs/kit';
import type { ApiInterests } from '$lib/api';
import { storage } from '$lib/server/storage';
import { endpoint, requireSession } from '$lib/server/http';
import { visibleInterestIds } from '$lib/server/interests/interests';

/** The entries the account marked that it may see now, oldest mark first. */
export const GET = endpoint(async ({ locals }) => {
	const { user } = requireSession(locals);
	return json({
		entryIds: await storage().read(
			async (records) => await visibleInterestIds(records, user.id, user.type)
		)
	} satisfies ApiInterests);
});
