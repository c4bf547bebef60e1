import { visibilities } from '$lib/api';
import { movedTimes } from '$lib/schedule/zoned-time';
import type { Change } from '../events/change';
import { appendEvent } from '../events/change';
import { listEntries, saveEntry } from '../schedule/entry-store';
import { announceShift } from '../shifts/crew';
import { listShifts, saveShift } from '../shifts/shift-store';

/**
 * The gathering's zone changed: every entry and shift keeps the wall-clock times it was typed
 * with (docs/decisions.md, "A new time zone keeps the programme's times"), each with its event,
 * in the settings' own change, so open pages and feeds never show a programme moved by the
 * offset. Returns how many moved.
 */
export function keepWallClockTimes(
	tx: Change,
	from: string,
	to: string
): { entries: number; shifts: number } {
	let entries = 0;
	for (const entry of listEntries(tx.db, visibilities)) {
		const times = movedTimes(entry, from, to);
		if (times.start === entry.start && times.end === entry.end) continue;
		const moved = {
			...entry,
			...times,
			updatedAt: Math.max(tx.now, entry.updatedAt),
			revision: entry.revision + 1
		};
		saveEntry(tx.db, moved);
		appendEvent(tx, { type: 'entry-update', data: moved });
		entries++;
	}
	let shifts = 0;
	for (const shift of listShifts(tx.db)) {
		const times = movedTimes(shift, from, to);
		if (times.start === shift.start && times.end === shift.end) continue;
		saveShift(tx.db, {
			...shift,
			...times,
			updatedAt: Math.max(tx.now, shift.updatedAt),
			revision: shift.revision + 1
		});
		announceShift(tx, shift.id);
		shifts++;
	}
	return { entries, shifts };
}
