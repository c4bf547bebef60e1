import type { ServerShift } from '../../types';

/** Shifts, each read with its crew in the order they took their places. */
export interface ShiftRecords {
	find(id: string): Promise<ServerShift | undefined>;
	/** By start, end, id. */
	list(): Promise<ServerShift[]>;
	/** The shifts a user holds a place on, in the same order. */
	listOf(userId: string): Promise<ServerShift[]>;
	countAt(locationId: string): Promise<number>;
	/** The shift's own fields; its crew is written with `setCrew` and `addCrew`. */
	insert(shift: ServerShift): Promise<void>;
	/** Writes the own fields but `id` and `createdAt`. */
	save(shift: ServerShift): Promise<void>;
	delete(id: string): Promise<void>;
	/** Gives `userId` the next place; the caller has checked that one is free. */
	addCrew(shiftId: string, userId: string, now: number): Promise<void>;
	/** True when the user held a place on the shift. */
	removeCrew(shiftId: string, userId: string): Promise<boolean>;
	/** Makes the crew exactly `userIds`: those kept keep their order, newcomers follow. */
	setCrew(shiftId: string, userIds: readonly string[], now: number): Promise<void>;
}
