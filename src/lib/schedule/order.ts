import type { ListedEntry, ListedLocation } from '$lib/api';

/** Schedule order: by start, then end, then title; the id breaks ties so order is stable. */
export function compareEntries(a: ListedEntry, b: ListedEntry): number {
	return (
		a.start - b.start ||
		a.end - b.end ||
		a.title.localeCompare(b.title) ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

/** Locations by name, as people look for them; the id breaks ties. */
export function compareLocations(a: ListedLocation, b: ListedLocation): number {
	return a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
