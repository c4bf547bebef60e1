import type { Change } from '../events/change';
import { announceShift } from './crew';
import { listShiftsOf, removeShiftCrew } from './shift-store';

/**
 * Takes a user off every shift they hold, inside the change that deletes or demotes them, with
 * a `shift-update` for each, so every open shifts page shows the places free at once.
 */
export function removeFromShifts(tx: Change, userId: string): number {
	const held = listShiftsOf(tx.db, userId);
	for (const shift of held) {
		removeShiftCrew(tx.db, shift.id, userId);
		announceShift(tx, shift.id);
	}
	return held.length;
}
