import { visibilities } from '$lib/api';
import { movedTimes } from '$lib/schedule/zoned-time';
import { appendEvent, type Change } from '../storage';
import { toApiShift } from '../types';

/**
 * The gathering's zone changed: every entry and shift keeps the wall-clock times it was typed
 * with (docs/decisions.md, "A new time zone keeps the programme's times"), each with its event,
 * in the settings' own change, so open pages and feeds never show a programme moved by the
 * offset. Returns how many moved.
 */
export async function keepWallClockTimes(
	tx: Change,
	from: string,
	to: string
): Promise<{ entries: number; shifts: number }> {
	let entries = 0;
	for (const entry of await tx.entries.list(visibilities)) {
		const times = movedTimes(entry, from, to);
		if (times.start === entry.start && times.end === entry.end) continue;
		const moved = {
			...entry,
			...times,
			updatedAt: Math.max(tx.now, entry.updatedAt),
			revision: entry.revision + 1
		};
		await tx.entries.save(moved);
		appendEvent(tx, { type: 'entry-update', data: moved });
		entries++;
	}
	let shifts = 0;
	for (const shift of await tx.shifts.list()) {
		const times = movedTimes(shift, from, to);
		if (times.start === shift.start && times.end === shift.end) continue;
		const moved = {
			...shift,
			...times,
			updatedAt: Math.max(tx.now, shift.updatedAt),
			revision: shift.revision + 1
		};
		await tx.shifts.save(moved);
		appendEvent(tx, { type: 'shift-update', data: toApiShift(moved) });
		shifts++;
	}
	return { entries, shifts };
}
