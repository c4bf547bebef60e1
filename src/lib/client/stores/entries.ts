import type { ApiEntry, ApiEvent, ListedEntry } from '$lib/api';
import { compareEntries } from '$lib/schedule/order';
import { createVersionedStore } from './versioned';

/**
 * What the store holds: entries as a page loaded them (the schedule's without description nor
 * crew notes), and whole entries as live events bring them.
 */
export type HeldEntry = ListedEntry & Partial<Pick<ApiEntry, 'description' | 'crewNotes'>>;

/**
 * The server sends each viewer the entry cut to its level, or its delete when the level may
 * not see it: the store only follows what it is told.
 */
export function applyEntryEvent(entries: HeldEntry[], event: ApiEvent): HeldEntry[] {
	switch (event.type) {
		case 'entry-update': {
			const others = entries.filter((entry) => entry.id !== event.data.id);
			return [...others, event.data].sort(compareEntries);
		}
		case 'entry-delete':
			return entries.filter((entry) => entry.id !== event.data.id);
		case 'entry-interest-count': {
			// An entry this page does not hold stays unheld: its update brings the count along.
			const { id, interestedCount } = event.data;
			if (!entries.some((entry) => entry.id === id)) return entries;
			return entries.map((entry) => (entry.id === id ? { ...entry, interestedCount } : entry));
		}
		default:
			return entries;
	}
}

/** The entries the viewer may see: page data, then live events. */
export const createEntriesStore = () => createVersionedStore(applyEntryEvent);
