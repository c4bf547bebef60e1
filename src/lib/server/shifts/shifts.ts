import { newRecordId } from '../record-id';
import type { ShiftCreate, ShiftPatch } from '$lib/api';
import { capacityProblem } from '$lib/schedule/shift-rules';
import { recordShiftAudit } from '../audit/schedule-audit';
import { requireActor } from '../auth/actor';
import { appendEvent, change, type Change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { announceShift, noSuchShift, requireCrewUsers } from './shift-change';
import { requireLocation } from '../schedule/locations';
import type { ServerShift } from '../types';

function requireCapacity(needed: number, crew: number): void {
	const problem = capacityProblem(needed, crew);
	if (problem) throw new Refusal(409, problem);
}

/** An admin adds a shift, with crew already on it if given. */
export async function createShift(actor: ServerSession, input: ShiftCreate): Promise<ServerShift> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const crewIds = input.crewIds ?? [];
		const shift: ServerShift = {
			id: newRecordId(),
			role: input.role,
			locationId: input.locationId ?? null,
			start: input.start,
			end: input.end,
			needed: input.needed,
			crewIds,
			notes: input.notes ?? '',
			createdAt: tx.now,
			updatedAt: tx.now,
			revision: 0
		};
		await requireLocation(tx, shift.locationId);
		await requireCrewUsers(tx, crewIds);
		requireCapacity(shift.needed, crewIds.length);
		await tx.shifts.insert(shift);
		for (const userId of crewIds) await tx.shifts.addCrew(shift.id, userId, tx.now);
		await recordShiftAudit(tx, admin, null, shift);
		return await announceShift(tx, shift.id);
	});
}

/**
 * An admin edits a shift, its crew included. Unlike a crew member's own sign-up, an admin may
 * put someone on overlapping shifts (a handover, a short double duty): the admin page marks it.
 * The shift is never left over capacity.
 */
export async function updateShift(
	actor: ServerSession,
	id: string,
	patch: ShiftPatch
): Promise<ServerShift> {
	return adminWrite(actor, id, () => patch);
}

/** An admin puts one crew member on a shift (nothing changes when they are on it already). */
export async function assignCrew(
	actor: ServerSession,
	id: string,
	userId: string
): Promise<ServerShift> {
	return adminWrite(actor, id, (before) =>
		before.crewIds.includes(userId) ? null : { crewIds: [...before.crewIds, userId] }
	);
}

/** An admin takes one crew member off a shift (nothing changes when they are not on it). */
export async function unassignCrew(
	actor: ServerSession,
	id: string,
	userId: string
): Promise<ServerShift> {
	return adminWrite(actor, id, (before) =>
		before.crewIds.includes(userId)
			? { crewIds: before.crewIds.filter((other) => other !== userId) }
			: null
	);
}

/** An admin's change of one shift, in a change of its own. */
function adminWrite(
	actor: ServerSession,
	id: string,
	patchOf: (before: ServerShift) => ShiftPatch | null
): Promise<ServerShift> {
	return change(async (tx) =>
		writeShift(tx, await requireActor(tx, actor, { admin: true }), id, patchOf)
	);
}

/** Applies a patch made from the shift as it is inside this transaction; null changes nothing. */
async function writeShift(
	tx: Change,
	admin: ServerUser,
	id: string,
	patchOf: (before: ServerShift) => ShiftPatch | null
): Promise<ServerShift> {
	const before = await tx.shifts.find(id);
	if (!before) throw noSuchShift();
	const patch = patchOf(before);
	if (!patch) return before;
	const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
	const shift: ServerShift = {
		...before,
		...given,
		updatedAt: Math.max(tx.now, before.updatedAt),
		revision: before.revision + 1
	};
	if (shift.start >= shift.end) throw new Refusal(400, 'end must be after start', 'end');
	if (patch.locationId !== undefined) await requireLocation(tx, shift.locationId);
	// Who is named is checked before how many: naming someone who is not crew is a mistake
	// whatever the places.
	await requireCrewUsers(
		tx,
		shift.crewIds.filter((userId) => !before.crewIds.includes(userId))
	);
	requireCapacity(shift.needed, shift.crewIds.length);
	await tx.shifts.save(shift);
	if (patch.crewIds) await tx.shifts.setCrew(id, patch.crewIds, tx.now);
	await recordShiftAudit(tx, admin, before, shift);
	return await announceShift(tx, id);
}

export async function deleteShift(actor: ServerSession, id: string): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const shift = await tx.shifts.find(id);
		if (!shift) throw noSuchShift();
		await recordShiftAudit(tx, admin, shift, null);
		await tx.shifts.delete(id);
		appendEvent(tx, { type: 'shift-delete', data: { id } });
	});
}
