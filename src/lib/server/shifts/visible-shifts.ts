import type { ApiShift, AccessLevel } from '$lib/api';
import { compareShifts } from '$lib/schedule/shift-rules';
import type { Db } from '../storage';
import { Refusal } from '../refusal';
import { toApiShift } from './server-shift';
import { findShift, listShifts } from './shift-store';

/** Whether a level sees shifts at all: crew and admins do, nobody else (docs/api.md). */
export const seesShifts = (level: AccessLevel) => level === 'crew' || level === 'admin';

/** 401 for the public, 403 for regular users: shifts exist only for crew and admins. */
function requireShiftViewer(level: AccessLevel): void {
	if (level === 'public') throw new Refusal(401, 'you are not logged in');
	if (!seesShifts(level)) throw new Refusal(403, 'only crew and admins see shifts');
}

/** Every shift in reading order, for a level that may see them. */
export function visibleShifts(db: Db, level: AccessLevel): ApiShift[] {
	requireShiftViewer(level);
	return listShifts(db).map(toApiShift).sort(compareShifts);
}

export function visibleShift(db: Db, id: string, level: AccessLevel): ApiShift {
	requireShiftViewer(level);
	const shift = findShift(db, id);
	if (!shift) throw new Refusal(404, 'no such shift');
	return toApiShift(shift);
}
