import type { UserPatch } from '$lib/api';
import { recordAudit } from '../audit/audit-trail';
import { requireActor, requireUser } from '../auth/actor';
import { sessionTimes } from '../auth/session-rows';
import { getConfig } from '../config';
import { endUserFamilies } from '../auth/session-end';
import { appendEvent, change, type Change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { updateUser } from './update-user';
import { removeInterests } from '../interests/interests';
import { log } from '../log';
import {
	removeFromShifts,
	shiftCount,
	UnconfirmedShiftRemoval,
	upcomingShiftsOf
} from '../shifts/remove-crew';

/**
 * The app never ends up without an admin who can log in: the last one not suspended cannot be
 * demoted or deleted (nor suspended: nobody may suspend themselves).
 */
async function refuseLosingLastAdmin(tx: Change, user: ServerUser, what: string) {
	if (user.type !== 'admin' || user.suspendedAt) return;
	if ((await tx.users.countActiveAdmins()) === 1)
		throw new Refusal(409, `the last admin cannot be ${what}`);
}

/**
 * An admin renames, retypes, suspends or lifts the suspension of a user. A new type closes that
 * user's streams at once; a suspension ends every login of the user.
 */
export async function changeUser(
	actor: ServerSession,
	id: string,
	patch: UserPatch
): Promise<ServerUser> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await requireUser(tx, id);
		if (patch.type !== undefined && patch.type !== 'admin') {
			await refuseLosingLastAdmin(tx, before, 'demoted');
		}
		// Only crew and admins hold shifts: a user made regular leaves the ones not over yet, once
		// the admin confirmed how many; the ones they worked stay on record (docs/api.md).
		const leaving =
			patch.type === 'regular' && before.type !== 'regular'
				? await upcomingShiftsOf(tx, id, tx.now)
				: [];
		if (leaving.length && !patch.removeFromShifts) {
			throw new UnconfirmedShiftRemoval(before.name, leaving.length);
		}
		const suspend = patch.suspended === true && !before.suspendedAt;
		const lift = patch.suspended === false && Boolean(before.suspendedAt);
		if (suspend) {
			// So an admin who can log in always remains: the one acting.
			if (before.id === admin.id) throw new Refusal(409, 'you cannot suspend yourself');
			await tx.users.setSuspended(id, tx.now, admin.id);
		}
		if (lift) await tx.users.setSuspended(id, null, null);
		// Reset links end with their user's suspension, and with their maker's admin rights.
		if (suspend) await tx.passwordResets.deleteUnusedOf(id);
		if (suspend || (patch.type !== undefined && patch.type !== 'admin')) {
			await tx.passwordResets.deleteUnusedMadeBy(id);
		}
		await removeFromShifts(tx, id, leaving);
		const after = await updateUser(tx, id, {
			...(patch.name !== undefined && { name: patch.name }),
			...(patch.type !== undefined && { type: patch.type })
		});
		if (after.name !== before.name) {
			await recordAudit(tx, {
				actor: admin,
				action: 'user-rename',
				target: after,
				quoted: before.name
			});
		}
		if (after.type !== before.type) {
			await recordAudit(tx, {
				actor: admin,
				action: 'user-type',
				target: after,
				detail:
					`${before.type} to ${after.type}` +
					(leaving.length ? `, removed from ${shiftCount(leaving.length)}` : '')
			});
			tx.announceSessionEnded({ userId: id, reason: 'access-changed' });
		}
		if (suspend) {
			const ended = await endUserFamilies(tx, id, 'suspended');
			await recordAudit(tx, {
				actor: admin,
				action: 'user-suspend',
				target: after,
				detail: `${ended} ${ended === 1 ? 'session' : 'sessions'} ended`
			});
			tx.afterCommit(() =>
				log().info(
					{ event: 'user-suspended', userId: id, name: after.name, by: admin.id },
					`${admin.name} suspended ${after.name}`
				)
			);
		}
		if (lift) {
			await recordAudit(tx, { actor: admin, action: 'user-unsuspend', target: after });
			tx.afterCommit(() =>
				log().info(
					{ event: 'user-unsuspended', userId: id, name: after.name, by: admin.id },
					`${admin.name} lifted the suspension of ${after.name}`
				)
			);
		}
		return after;
	});
}

/** An admin deletes a user. */
export async function deleteUser(actor: ServerSession, id: string): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const user = await removeUser(tx, id);
		await recordAudit(tx, { actor: admin, action: 'user-delete', target: user });
	});
}

/**
 * Deletes a user with all of its sessions inside the caller's change, and closes its streams;
 * the sessions stay as tombstones so whoever presents one is told the user was deleted.
 */
export async function removeUser(tx: Change, id: string): Promise<ServerUser> {
	const user = await requireUser(tx, id);
	await refuseLosingLastAdmin(tx, user, 'deleted');
	await tx.passwordResets.deleteUnusedMadeBy(id);
	await tx.endedSessions.endUser(id, 'deleted', sessionTimes(getConfig()));
	// Their places and marks would go with the row anyway; this way every open page hears of it.
	await removeFromShifts(tx, id);
	await removeInterests(tx, id);
	await tx.users.delete(id);
	appendEvent(tx, { type: 'user-delete', data: { id } });
	tx.announceSessionEnded({ userId: id, reason: 'deleted' });
	return user;
}
