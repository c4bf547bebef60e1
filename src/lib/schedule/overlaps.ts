import type { ApiEntry } from '$lib/api';

type Timed = Pick<ApiEntry, 'id' | 'locationId' | 'start' | 'end'>;

/**
 * Entries that overlap another entry in the same location, each with the ids it overlaps.
 * Touching (one ends when the next starts) is no overlap; entries without a location never
 * overlap.
 */
export function findOverlaps(entries: readonly Timed[]): Map<string, string[]> {
	const overlaps = new Map<string, string[]>();
	const byLocation = new Map<string, Timed[]>();
	for (const entry of entries) {
		if (entry.locationId === null) continue;
		const list = byLocation.get(entry.locationId) ?? [];
		list.push(entry);
		byLocation.set(entry.locationId, list);
	}
	const mark = (a: Timed, b: Timed) => {
		overlaps.set(a.id, [...(overlaps.get(a.id) ?? []), b.id]);
		overlaps.set(b.id, [...(overlaps.get(b.id) ?? []), a.id]);
	};
	for (const list of byLocation.values()) {
		const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
		// Sweep: the entries still running when each one starts are the ones it overlaps.
		let running: Timed[] = [];
		for (const entry of sorted) {
			running = running.filter((other) => other.end > entry.start);
			for (const other of running) mark(other, entry);
			running.push(entry);
		}
	}
	return overlaps;
}
