import type { ApiShift } from '$lib/api';

/** A shift as the server holds it: what crew and admins see, and what calendars need. */
export interface ServerShift extends ApiShift {
	createdAt: number;
	updatedAt: number;
	/** How many times the shift changed since it was made: a calendar's SEQUENCE. */
	revision: number;
}

/** Crew and admins see a shift alike: all of it but the server's bookkeeping. */
export function toApiShift(shift: ServerShift): ApiShift {
	return {
		id: shift.id,
		role: shift.role,
		locationId: shift.locationId,
		start: shift.start,
		end: shift.end,
		needed: shift.needed,
		crewIds: shift.crewIds,
		notes: shift.notes
	};
}
