import type { UserPatch } from '$lib/api';
import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import { endUserSessions } from '../auth/ended-session-store';
import { sessionTimes } from '../auth/session-store';
import { getConfig } from '../config';
import { endUserFamilies } from '../auth/session-end';
import { appendEvent, change, type Change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { updateUser } from './update-user';
import { countActiveAdmins, findUserById, setSuspended } from './user-store';
import { prepared } from '../storage/sqlite/statements';
import { removeInterests } from '../interests/interests';
import { log } from '../log';
import {
	deletePasswordResetsMadeBy,
	deleteUnusedPasswordResets
} from '../password-reset/password-reset-store';
import {
	removeFromShifts,
	shiftCount,
	UnconfirmedShiftRemoval,
	upcomingShiftsOf
} from '../shifts/remove-crew';

/** A cheap early refusal before a body is read; the authoritative check is `requireActor`. */
export function requireAdmin(user: ServerUser): void {
	if (user.type !== 'admin') throw new Refusal(403, 'only an admin may do this');
}

/**
 * The app never ends up without an admin who can log in: the last one not suspended cannot be
 * demoted or deleted (nor suspended: nobody may suspend themselves).
 */
function refuseLosingLastAdmin(tx: Change, user: ServerUser, what: string): void {
	if (user.type !== 'admin' || user.suspendedAt) return;
	if (countActiveAdmins(tx.db) === 1) throw new Refusal(409, `the last admin cannot be ${what}`);
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
	return change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const before = findUserById(tx.db, id);
		if (!before) throw new Refusal(404, 'no such user');
		if (patch.type !== undefined && patch.type !== 'admin') {
			refuseLosingLastAdmin(tx, before, 'demoted');
		}
		// Only crew and admins hold shifts: a user made regular leaves the ones not over yet, once
		// the admin confirmed how many; the ones they worked stay on record (docs/api.md).
		const leaving =
			patch.type === 'regular' && before.type !== 'regular'
				? upcomingShiftsOf(tx.db, id, tx.now)
				: [];
		if (leaving.length && !patch.removeFromShifts) {
			throw new UnconfirmedShiftRemoval(before.name, leaving.length);
		}
		const suspend = patch.suspended === true && !before.suspendedAt;
		const lift = patch.suspended === false && Boolean(before.suspendedAt);
		if (suspend) {
			// So an admin who can log in always remains: the one acting.
			if (before.id === admin.id) throw new Refusal(409, 'you cannot suspend yourself');
			setSuspended(tx.db, id, tx.now, admin.id);
		}
		if (lift) setSuspended(tx.db, id, null, null);
		// Reset links end with their user's suspension, and with their maker's admin rights.
		if (suspend) deleteUnusedPasswordResets(tx.db, id);
		if (suspend || (patch.type !== undefined && patch.type !== 'admin')) {
			deletePasswordResetsMadeBy(tx.db, id);
		}
		removeFromShifts(tx, id, leaving);
		const after = updateUser(tx, id, {
			...(patch.name !== undefined && { name: patch.name }),
			...(patch.type !== undefined && { type: patch.type })
		});
		if (after.name !== before.name) {
			recordAudit(tx, {
				actor: admin,
				action: 'user-rename',
				target: after,
				quoted: before.name
			});
		}
		if (after.type !== before.type) {
			recordAudit(tx, {
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
			const ended = endUserFamilies(tx, id, 'suspended');
			recordAudit(tx, {
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
			recordAudit(tx, { actor: admin, action: 'user-unsuspend', target: after });
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
	await change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const user = removeUser(tx, id);
		recordAudit(tx, { actor: admin, action: 'user-delete', target: user });
	});
}

/**
 * Deletes a user with all of its sessions inside the caller's change, and closes its streams;
 * the sessions stay as tombstones so whoever presents one is told the user was deleted.
 */
export function removeUser(tx: Change, id: string): ServerUser {
	const user = findUserById(tx.db, id);
	if (!user) throw new Refusal(404, 'no such user');
	refuseLosingLastAdmin(tx, user, 'deleted');
	deletePasswordResetsMadeBy(tx.db, id);
	endUserSessions(tx.db, id, 'deleted', sessionTimes(getConfig()));
	// Their places and marks would go with the row anyway; this way every open page hears of it.
	removeFromShifts(tx, id);
	removeInterests(tx, id);
	prepared(tx.db, 'DELETE FROM user WHERE id = ?').run(id);
	appendEvent(tx, { type: 'user-delete', data: { id } });
	tx.announceSessionEnded({ userId: id, reason: 'deleted' });
	return user;
}
