import type { ApiEvent } from '$lib/api';
import { createVersionedStore } from './versioned';

/**
 * The ids of the entries the account marked. `interest-update` is personal: the server sends it
 * only to the account's own streams, every tab of it. An entry hidden from the account stays
 * marked here (it may come back); pages show only marked entries they hold.
 */
export function applyInterestEvent(entryIds: string[], event: ApiEvent): string[] {
	if (event.type !== 'interest-update') return entryIds;
	const others = entryIds.filter((id) => id !== event.data.entryId);
	return event.data.interested ? [...others, event.data.entryId] : others;
}

/** The account's marks: page data, then live events. */
export const createInterestsStore = () => createVersionedStore(applyInterestEvent);
