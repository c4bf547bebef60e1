import { emptyCurrentPassword, type AccountPatch } from '$lib/api';
import { requireActor } from '../auth/actor';
import { checkCurrentPassword } from '../auth/brute-force';
import { appendLoginUpdate } from '../auth/login-events';
import { requireWriteBudget, spendWrite } from '../auth/write-budget';
import { hashPassword, verifyPassword } from '../auth/password';
import { endUserFamilies } from '../auth/session-end';
import { createSession } from '../auth/session-start';
import { storage, change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { removeUser } from './manage-users';
import { updateUser } from './update-user';

const wrongCurrentPassword = () =>
	new Refusal(403, 'the current password is wrong', 'currentPassword');

/**
 * Refuses with 403 unless `password` is the user's, and with 429 after too many wrong ones. For
 * a change that spends the write budget (`spendsWrite`), a spent budget refuses it first.
 */
export async function requireCurrentPassword(
	session: ServerSession,
	password: string | undefined,
	spendsWrite: boolean
): Promise<void> {
	if (password === undefined) throw wrongCurrentPassword();
	if (password === '') throw new Refusal(400, emptyCurrentPassword, 'currentPassword');
	if (spendsWrite) {
		await storage().read(async (records) => {
			const user = await records.users.find(session.userId);
			if (user) await requireWriteBudget(records, user, Date.now());
		});
	}
	await checkCurrentPassword(session.family, async () => {
		const hash = await storage().read(
			async (records) => await records.users.passwordHash(session.userId)
		);
		if (!hash || !(await verifyPassword(hash, password))) throw wrongCurrentPassword();
	});
}

interface AccountUpdate {
	user: ServerUser;
	/** After a password change: the requester's new login, whose cookie the answer must set. */
	login?: { token: string; session: ServerSession };
}

/**
 * Renames the account and/or changes its password. A new password ends every session of the
 * user, the one that asked included, so no copy of any earlier cookie outlives it; the
 * requester alone gets a new login (docs/security.md).
 */
export async function updateAccount(
	session: ServerSession,
	patch: AccountPatch,
	userAgent: string
): Promise<AccountUpdate> {
	let passwordHash: string | undefined;
	if (patch.password !== undefined) {
		await requireCurrentPassword(session, patch.currentPassword, true);
		passwordHash = await hashPassword(patch.password);
	}
	return change(async (tx) => {
		await spendWrite(tx, await requireActor(tx, session));
		const user = await updateUser(
			tx,
			session.userId,
			patch.name === undefined ? {} : { name: patch.name }
		);
		if (!passwordHash) return { user };
		await tx.users.setPasswordHash(user.id, passwordHash);
		// A feed URL is a key to the user's plan like a session is to the account: it ends too.
		await tx.calendarFeeds.delete(user.id);
		// A reset link would undo the change the user just made with the current password.
		await tx.passwordResets.deleteUnusedOf(user.id);
		await endUserFamilies(tx, user.id, 'password-changed');
		const login = await createSession(tx, { userId: user.id, userAgent });
		await appendLoginUpdate(tx, user.id, login.session.family);
		return { user, login };
	});
}

/** Deletes the account's own user, after the current password proves it is its owner. */
export async function deleteAccount(
	session: ServerSession,
	currentPassword: string
): Promise<void> {
	// Deleting the account is never refused by the write budget.
	await requireCurrentPassword(session, currentPassword, false);
	await change(async (tx) => {
		await requireActor(tx, session);
		await removeUser(tx, session.userId);
	});
}
