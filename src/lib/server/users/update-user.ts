import type { UserType } from '$lib/api';
import { appendEvent, type Change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { findUserById, findUserWithHashByName } from './user-store';
import { prepared } from '../storage/sqlite/statements';

/** Renames and/or retypes a user inside a change, and records the full new user as its event. */
export function updateUser(
	tx: Change,
	id: string,
	patch: { name?: string; type?: UserType }
): ServerUser {
	const user = findUserById(tx.db, id);
	if (!user) throw new Refusal(404, 'no such user');
	if (patch.name !== undefined && patch.name.toLowerCase() !== user.name.toLowerCase()) {
		if (findUserWithHashByName(tx.db, patch.name)) {
			throw new Refusal(409, 'that name is taken', 'name');
		}
	}
	const updated = { ...user, ...patch };
	prepared(tx.db, 'UPDATE user SET name = ?, type = ? WHERE id = ?').run(
		updated.name,
		updated.type,
		id
	);
	appendEvent(tx, { type: 'user-update', data: updated });
	return updated;
}
