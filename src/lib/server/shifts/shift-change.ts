import { appendEvent, type Change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { toApiShift } from '../types';
import type { ServerShift } from '../types';

/**
 * What every change of a shift shares: who may hold places, the refusal for a missing shift,
 * and the event that tells of the shift as it now is.
 */

/** Shifts are for crew and admins (docs/api.md): anyone else is refused before anything is read. */
export function requireCrew(user: ServerUser): void {
	if (user.type !== 'crew' && user.type !== 'admin') {
		throw new Refusal(403, 'only crew and admins may do this');
	}
}

/** Only crew and admins may hold places; an admin naming anyone else is told who. */
export async function requireCrewUsers(tx: Change, userIds: readonly string[]): Promise<void> {
	for (const id of userIds) {
		const user = await tx.users.find(id);
		if (!user) throw new Refusal(400, `crewIds names no user: ${id}`, 'crewIds');
		if (user.type !== 'crew' && user.type !== 'admin') {
			throw new Refusal(400, `crewIds names ${user.name}, who is not crew`, 'crewIds');
		}
	}
}

export const noSuchShift = () => new Refusal(404, 'no such shift');

/** Records the shift as it now is: its event carries it whole, crew included. */
export async function announceShift(tx: Change, id: string): Promise<ServerShift> {
	const shift = (await tx.shifts.find(id))!;
	appendEvent(tx, { type: 'shift-update', data: toApiShift(shift) });
	return shift;
}
