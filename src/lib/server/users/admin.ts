import type { UserPatch } from '$lib/api';
import { requireActor } from '../auth/actor';
import { endUserSessions } from '../auth/ended-session-store';
import { announceSessionEnded } from '../auth/session-ended';
import { sessionTimes } from '../auth/session-store';
import { getConfig } from '../config';
import { appendEvent, change, type Change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { updateUser } from './update-user';
import { findUserById } from './user-store';
import { prepared } from '../db/statements';

/** A cheap early refusal before a body is read; the authoritative check is `requireActor`. */
export function requireAdmin(user: ServerUser): void {
	if (user.type !== 'admin') throw new Refusal(403, 'only an admin may do this');
}

/** The app never ends up without an admin: the last one cannot be demoted or deleted. */
function refuseLosingLastAdmin(tx: Change, user: ServerUser, what: string): void {
	if (user.type !== 'admin') return;
	const admins = prepared(tx.db, "SELECT COUNT(*) FROM user WHERE type = 'admin'").pluck().get();
	if (admins === 1) throw new Refusal(409, `the last admin cannot be ${what}`);
}

/** An admin renames or retypes a user; a new type closes that user's streams at once. */
export function changeUser(actor: ServerSession, id: string, patch: UserPatch): ServerUser {
	return change((tx) => {
		requireActor(tx, actor, { admin: true });
		const before = findUserById(tx.db, id);
		if (!before) throw new Refusal(404, 'no such user');
		if (patch.type !== undefined && patch.type !== 'admin') {
			refuseLosingLastAdmin(tx, before, 'demoted');
		}
		const after = updateUser(tx, id, patch);
		if (after.type !== before.type) {
			tx.afterCommit(() => announceSessionEnded({ userId: id, reason: 'access-changed' }));
		}
		return after;
	});
}

/** An admin deletes a user. */
export function deleteUser(actor: ServerSession, id: string): void {
	change((tx) => {
		requireActor(tx, actor, { admin: true });
		removeUser(tx, id);
	});
}

/**
 * Deletes a user with all of its sessions inside the caller's change, and closes its streams;
 * the sessions stay as tombstones so whoever presents one is told the user was deleted.
 */
export function removeUser(tx: Change, id: string): void {
	const user = findUserById(tx.db, id);
	if (!user) throw new Refusal(404, 'no such user');
	refuseLosingLastAdmin(tx, user, 'deleted');
	endUserSessions(tx.db, id, 'deleted', sessionTimes(getConfig()));
	prepared(tx.db, 'DELETE FROM user WHERE id = ?').run(id);
	appendEvent(tx, { type: 'user-delete', data: { id } });
	tx.afterCommit(() => announceSessionEnded({ userId: id, reason: 'deleted' }));
}
