import { isOver } from '$lib/schedule/shift-rules';
import type { Db } from '../storage';
import type { Change } from '../events/change';
import { Refusal } from '../refusal';
import { announceShift } from './crew';
import type { ServerShift } from './server-shift';
import { listShiftsOf, removeShiftCrew } from './shift-store';

/** The shifts a user holds that are not over yet: the ones a demotion takes them off. */
export const upcomingShiftsOf = (db: Db, userId: string, now: number): ServerShift[] =>
	listShiftsOf(db, userId).filter((shift) => !isOver(shift, now));

/**
 * Takes a user off the given shifts (by default every one they hold), inside the change that
 * deletes or demotes them, with a `shift-update` for each, so every open shifts page shows the
 * places free at once. A shift left alone sends nothing.
 */
export function removeFromShifts(
	tx: Change,
	userId: string,
	shifts: readonly ServerShift[] = listShiftsOf(tx.db, userId)
): number {
	for (const shift of shifts) {
		removeShiftCrew(tx.db, shift.id, userId);
		announceShift(tx, shift.id);
	}
	return shifts.length;
}

export const shiftCount = (count: number) =>
	`${count} upcoming ${count === 1 ? 'shift' : 'shifts'}`;

/**
 * A demotion that would take someone off upcoming shifts, asked without confirming it: the
 * caller is told how many, and nothing changed (docs/api.md, "Making crew regular").
 */
export class UnconfirmedShiftRemoval extends Refusal {
	constructor(
		readonly userName: string,
		readonly upcomingShifts: number
	) {
		super(
			409,
			`making ${userName} regular removes them from ${shiftCount(upcomingShifts)}: ` +
				'send removeFromShifts: true to go ahead'
		);
	}

	override get details() {
		return { upcomingShifts: this.upcomingShifts };
	}
}
