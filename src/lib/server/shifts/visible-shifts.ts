import type { ApiShift, AccessLevel } from '$lib/api';
import { compareShifts } from '$lib/schedule/shift-rules';
import type { Records } from '../storage';
import { Refusal } from '../refusal';
import { toApiShift } from '../types';

/** Whether a level sees shifts at all: crew and admins do, nobody else (docs/api.md). */
export const seesShifts = (level: AccessLevel) => level === 'crew' || level === 'admin';

/** 401 for the public, 403 for regular users: shifts exist only for crew and admins. */
function requireShiftViewer(level: AccessLevel): void {
	if (level === 'public') throw new Refusal(401, 'you are not logged in');
	if (!seesShifts(level)) throw new Refusal(403, 'only crew and admins see shifts');
}

/** Every shift in reading order, for a level that may see them. */
export async function visibleShifts(records: Records, level: AccessLevel): Promise<ApiShift[]> {
	requireShiftViewer(level);
	return (await records.shifts.list()).map(toApiShift).sort(compareShifts);
}

export async function visibleShift(
	records: Records,
	id: string,
	level: AccessLevel
): Promise<ApiShift> {
	requireShiftViewer(level);
	const shift = await records.shifts.find(id);
	if (!shift) throw new Refusal(404, 'no such shift');
	return toApiShift(shift);
}
