import { error } from '@sveltejs/kit';
import { interestAction } from '$lib/server/interests/interest-action';
import { visibleInterestIds } from '$lib/server/interests/interests';
import { readSnapshot } from '$lib/server/load';
import { Refusal } from '$lib/server/refusal';
import { visibleEntry } from '$lib/server/schedule/visible-entries';
import { accessLevelOf } from '$lib/server/auth/access-level';
import type { Actions, PageServerLoad } from './$types';

/** Changes an entry's page lists at most: the latest ones. */
const entryHistoryLength = 20;

/** 404 for an entry the viewer may not see, as for one that does not exist. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const viewer = accessLevelOf(locals.user);
	try {
		const { lastEventId, data } = await readSnapshot(async (records) => ({
			entry: await visibleEntry(records, params.id, viewer),
			locations: await records.locations.list(),
			// What the public saw change of it, newest first (docs/changes.md).
			history: await records.scheduleChanges.list({
				entryId: params.id,
				limit: entryHistoryLength
			}),
			interests: locals.user ? await visibleInterestIds(records, locals.user.id, viewer) : null
		}));
		return { lastEventId, ...data, viewer };
	} catch (failure) {
		if (failure instanceof Refusal) error(failure.status, failure.message);
		throw failure;
	}
};

export const actions: Actions = { interest: interestAction };
