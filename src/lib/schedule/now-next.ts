import type { ListedEntry } from '$lib/api';

/**
 * The minute an instant falls in. Entry times are whole minutes, so what is on now, next and over
 * changes only as a minute begins: pages follow the clock minute by minute.
 */
export const minuteOf = (ms: number) => ms - (ms % 60_000);

interface NowAndNext<T extends ListedEntry = ListedEntry> {
	/** On now: started, not yet ended. */
	now: T[];
	/** Next: at each location (and for entries without one), the first entry still to start. */
	next: T[];
}

/** What a visitor glancing at the schedule wants first. Entries must be in schedule order. */
export function nowAndNext<T extends ListedEntry>(
	entries: readonly T[],
	at: number
): NowAndNext<T> {
	const now = entries.filter((entry) => entry.start <= at && at < entry.end);
	const seen = new Set<string>();
	const next: T[] = [];
	for (const entry of entries) {
		if (entry.start <= at) continue;
		const where = entry.locationId ?? '';
		if (seen.has(where)) continue;
		seen.add(where);
		next.push(entry);
	}
	return { now, next };
}
