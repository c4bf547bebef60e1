import type { AccountPatch } from '$lib/api';
import { checkCurrentPassword } from '../auth/brute-force';
import { hashPassword, verifyPassword } from '../auth/password';
import { endOtherFamilies } from '../auth/session-end';
import { getDb } from '../db';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { deleteUser } from './admin';
import { updateUser } from './update-user';
import { findPasswordHash } from './user-store';
import { prepared } from '../db/statements';

const wrongCurrentPassword = () =>
	new Refusal(403, 'the current password is wrong', 'currentPassword');

/** Refuses with 403 unless `password` is the user's, and with 429 after too many wrong ones. */
export async function requireCurrentPassword(
	session: ServerSession,
	password: string | undefined
): Promise<void> {
	if (password === undefined) throw wrongCurrentPassword();
	await checkCurrentPassword(session.family, async () => {
		const hash = findPasswordHash(getDb(), session.userId);
		if (!hash || !(await verifyPassword(hash, password))) throw wrongCurrentPassword();
	});
}

/**
 * Renames the account and/or changes its password. A new password ends every other session of
 * the user: whoever else held one must prove they know it.
 */
export async function updateAccount(
	session: ServerSession,
	patch: AccountPatch
): Promise<ServerUser> {
	let passwordHash: string | undefined;
	if (patch.password !== undefined) {
		await requireCurrentPassword(session, patch.currentPassword);
		passwordHash = await hashPassword(patch.password);
	}
	return change((tx) => {
		const user = updateUser(
			tx,
			session.userId,
			patch.name === undefined ? {} : { name: patch.name }
		);
		if (passwordHash) {
			prepared(tx.db, 'UPDATE user SET password_hash = ? WHERE id = ?').run(passwordHash, user.id);
			endOtherFamilies(tx, user.id, session.family, 'revoked');
		}
		return user;
	});
}

/** Deletes the account's own user, after the current password proves it is its owner. */
export async function deleteAccount(
	session: ServerSession,
	currentPassword: string
): Promise<void> {
	await requireCurrentPassword(session, currentPassword);
	deleteUser(session.userId);
}
