import type { ApiEntry } from '$lib/api';

export interface NowAndNext {
	/** On now: started, not yet ended. */
	now: ApiEntry[];
	/** Next: at each location (and for entries without one), the first entry still to start. */
	next: ApiEntry[];
}

/** What a visitor glancing at the schedule wants first. Entries must be in schedule order. */
export function nowAndNext(entries: readonly ApiEntry[], at: number): NowAndNext {
	const now = entries.filter((entry) => entry.start <= at && at < entry.end);
	const seen = new Set<string>();
	const next: ApiEntry[] = [];
	for (const entry of entries) {
		if (entry.start <= at) continue;
		const where = entry.locationId ?? '';
		if (seen.has(where)) continue;
		seen.add(where);
		next.push(entry);
	}
	return { now, next };
}
