import { error } from '@sveltejs/kit';
import { Refusal } from '$lib/server/refusal';
import { beforeOf, readChangesPage } from '$lib/server/schedule/change-log';
import type { PageServerLoad } from './$types';

/** The public schedule's changes, newest first; `?before=<id>` pages back. Public, like `/`. */
export const load: PageServerLoad = async ({ url }) => {
	try {
		return await readChangesPage(beforeOf(url));
	} catch (failure) {
		if (failure instanceof Refusal) error(failure.status, failure.message);
		throw failure;
	}
};
