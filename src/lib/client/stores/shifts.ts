import type { ApiEvent, ApiShift } from '$lib/api';
import { compareShifts } from '$lib/schedule/shift-rules';
import { createVersionedStore } from './versioned';

/** Each `shift-update` carries the shift whole, its crew included: it replaces what was held. */
export function applyShiftEvent(shifts: ApiShift[], event: ApiEvent): ApiShift[] {
	switch (event.type) {
		case 'shift-update': {
			const others = shifts.filter((shift) => shift.id !== event.data.id);
			return [...others, event.data].sort(compareShifts);
		}
		case 'shift-delete':
			return shifts.filter((shift) => shift.id !== event.data.id);
		default:
			return shifts;
	}
}

/** Every shift (crew and admins): page data, then live events. */
export const createShiftsStore = () => createVersionedStore(applyShiftEvent);
