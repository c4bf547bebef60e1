import type { UserType } from '$lib/api';
import { requireUser } from '../auth/actor';
import { appendEvent, type Change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';

/** Renames and/or retypes a user inside a change, and records the full new user as its event. */
export async function updateUser(
	tx: Change,
	id: string,
	patch: { name?: string; type?: UserType }
): Promise<ServerUser> {
	const user = await requireUser(tx, id);
	if (patch.name !== undefined && patch.name.toLowerCase() !== user.name.toLowerCase()) {
		if (await tx.users.findWithHashByName(patch.name)) {
			throw new Refusal(409, 'that name is taken', 'name');
		}
	}
	const updated = { ...user, ...patch };
	await tx.users.rename(id, updated.name, updated.type);
	appendEvent(tx, { type: 'user-update', data: updated });
	return updated;
}
