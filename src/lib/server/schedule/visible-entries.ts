import type { AccessLevel, ApiEntry } from '$lib/api';
import type { Db } from '../storage';
import { Refusal } from '../refusal';
import { compareEntries } from '$lib/schedule/order';
import { toApiEntry } from './api-entry';
import { findEntry, listEntries } from './entry-store';
import { visibleTo } from './visibility';

/** The entries a level may see, cut to it, in schedule order. */
export function visibleEntries(db: Db, level: AccessLevel): ApiEntry[] {
	// Sorted here, by the rule the client stores use, so both agree on ties.
	return listEntries(db, visibleTo(level))
		.map((entry) => toApiEntry(entry, level)!)
		.sort(compareEntries);
}

/** One entry as a level sees it; 404 for one it may not see, as if it did not exist. */
export function visibleEntry(db: Db, id: string, level: AccessLevel): ApiEntry {
	const entry = findEntry(db, id);
	const seen = entry && toApiEntry(entry, level);
	if (!seen) throw new Refusal(404, 'no such entry');
	return seen;
}
