import type { AccessLevel, ApiEntry } from '$lib/api';
import type { Records } from '../storage';
import { Refusal } from '../refusal';
import { compareEntries } from '$lib/schedule/order';
import { toApiEntry } from './api-entry';
import { visibleTo } from '$lib/schedule/visibility';

/** The entries a level may see, cut to it, in schedule order. */
export async function visibleEntries(records: Records, level: AccessLevel): Promise<ApiEntry[]> {
	// Sorted here, by the rule the client stores use, so both agree on ties.
	return (await records.entries.list(visibleTo(level)))
		.map((entry) => toApiEntry(entry, level)!)
		.sort(compareEntries);
}

/** One entry as a level sees it; 404 for one it may not see, as if it did not exist. */
export async function visibleEntry(
	records: Records,
	id: string,
	level: AccessLevel
): Promise<ApiEntry> {
	const entry = await records.entries.find(id);
	const seen = entry && toApiEntry(entry, level);
	if (!seen) throw new Refusal(404, 'no such entry');
	return seen;
}
