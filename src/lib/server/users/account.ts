import type { AccountPatch } from '$lib/api';
import { announceSessionEnded } from '../auth/session-ended';
import { hashPassword, verifyPassword } from '../auth/password';
import { getDb } from '../db';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { updateUser } from './update-user';
import { findPasswordHash } from './user-store';

export async function requireCurrentPassword(userId: string, password: string | undefined) {
	const hash = findPasswordHash(getDb(), userId);
	if (!hash || password === undefined || !(await verifyPassword(hash, password))) {
		throw new Refusal(403, 'the current password is wrong', 'currentPassword');
	}
}

/**
 * Renames the account and/or changes its password. A new password ends every other session of
 * the user: whoever else held one must prove they know it.
 */
export async function updateAccount(session: ServerSession, patch: AccountPatch): Promise<ServerUser> {
	let passwordHash: string | undefined;
	if (patch.password !== undefined) {
		await requireCurrentPassword(session.userId, patch.currentPassword);
		passwordHash = await hashPassword(patch.password);
	}
	return change((tx) => {
		const user = updateUser(tx, session.userId, patch.name === undefined ? {} : { name: patch.name });
		if (passwordHash) {
			tx.db.prepare('UPDATE user SET password_hash = ? WHERE id = ?').run(passwordHash, user.id);
			const others = tx.db
				.prepare('SELECT id FROM session WHERE user_id = ? AND id != ? AND family != ?')
				.pluck()
				.all(user.id, session.id, session.family) as string[];
			tx.db
				.prepare('DELETE FROM session WHERE user_id = ? AND id != ? AND family != ?')
				.run(user.id, session.id, session.family);
			tx.afterCommit(() => announceSessionEnded({ sessionIds: others, reason: 'revoked' }));
		}
		return user;
	});
}
