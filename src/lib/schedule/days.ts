import type { ApiEntry } from '$lib/api';
import { localDate } from './zoned-time';

export interface ScheduleDay<T = ApiEntry> {
	/** YYYY-MM-DD in the settings' time zone. */
	date: string;
	entries: T[];
}

/**
 * Entries (or shifts) grouped under the local date of their start in the zone (an entry running past
 * midnight stays on the day it began), days in order, entries in the order given.
 */
export function groupByDay<T extends { start: number }>(
	entries: readonly T[],
	timeZone: string
): ScheduleDay<T>[] {
	const days = new Map<string, T[]>();
	for (const entry of entries) {
		const date = localDate(entry.start, timeZone);
		const day = days.get(date);
		if (day) day.push(entry);
		else days.set(date, [entry]);
	}
	return [...days.keys()].sort().map((date) => ({ date, entries: days.get(date)! }));
}

export interface LocationGroup<L> {
	location: L | null;
	entries: ApiEntry[];
}

/** A day's entries by location, in the order of `locations`, entries without one last. */
export function groupByLocation<L extends { id: string }>(
	entries: readonly ApiEntry[],
	locations: readonly L[]
): LocationGroup<L>[] {
	const groups: LocationGroup<L>[] = locations.map((location) => ({
		location,
		entries: entries.filter((entry) => entry.locationId === location.id)
	}));
	const known = new Set(locations.map((location) => location.id));
	groups.push({
		location: null,
		entries: entries.filter((entry) => entry.locationId === null || !known.has(entry.locationId))
	});
	return groups.filter((group) => group.entries.length > 0);
}
