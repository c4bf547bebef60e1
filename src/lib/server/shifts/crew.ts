import { appendEvent, type Change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { findUserById } from '../users/user-store';
import { findShift } from './shift-store';
import { toApiShift, type ServerShift } from './server-shift';

/** Shifts are for crew and admins (docs/api.md): anyone else is refused before anything is read. */
export function requireCrew(user: ServerUser): void {
	if (user.type !== 'crew' && user.type !== 'admin') {
		throw new Refusal(403, 'only crew and admins may do this');
	}
}

/** Only crew and admins may hold places; an admin naming anyone else is told who. */
export function requireCrewUsers(tx: Change, userIds: readonly string[]): void {
	for (const id of userIds) {
		const user = findUserById(tx.db, id);
		if (!user) throw new Refusal(400, `crewIds names no user: ${id}`, 'crewIds');
		if (user.type !== 'crew' && user.type !== 'admin') {
			throw new Refusal(400, `crewIds names ${user.name}, who is not crew`, 'crewIds');
		}
	}
}

export const noSuchShift = () => new Refusal(404, 'no such shift');

/** Records the shift as it now is: its event carries it whole, crew included. */
export function announceShift(tx: Change, id: string): ServerShift {
	const shift = findShift(tx.db, id)!;
	appendEvent(tx, { type: 'shift-update', data: toApiShift(shift) });
	return shift;
}
