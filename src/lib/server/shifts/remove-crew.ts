import { isOver } from '$lib/schedule/shift-rules';
import { type Records, type Change } from '../storage';
import { Refusal } from '../refusal';
import { announceShift } from './shift-change';
import type { ServerShift } from '../types';

/** The shifts a user holds that are not over yet: the ones a demotion takes them off. */
export const upcomingShiftsOf = async (records: Records, userId: string, now: number) =>
	(await records.shifts.listOf(userId)).filter((shift) => !isOver(shift, now));

/**
 * Takes a user off the given shifts (by default every one they hold), inside the change that
 * deletes or demotes them, with a `shift-update` for each, so every open shifts page shows the
 * places free at once. A shift left alone sends nothing.
 */
export async function removeFromShifts(
	tx: Change,
	userId: string,
	only?: readonly ServerShift[]
): Promise<number> {
	const shifts = only ?? (await tx.shifts.listOf(userId));
	for (const shift of shifts) {
		await tx.shifts.removeCrew(shift.id, userId);
		await announceShift(tx, shift.id);
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
