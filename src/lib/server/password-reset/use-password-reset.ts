import type { PasswordReset } from '$lib/api';
import { recordAudit } from '../audit/audit-store';
import { appendLoginUpdate } from '../auth/login-events';
import { hashPassword } from '../auth/password';
import { hashSecretToken } from '../auth/secret-token';
import { deleteCalendarFeed } from '../calendar/feed-store';
import { endUserFamilies } from '../auth/session-end';
import { createSession } from '../auth/session-start';
import { linkProblem, type LinkProblem } from '../auth/single-use-link';
import { storage, type Db } from '../storage';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { findUserById, updatePasswordHash } from '../users/user-store';
import {
	findPasswordResetByTokenHash,
	markPasswordResetUsed,
	type PasswordResetRecord
} from './password-reset-store';
import { limitResetAttempts } from './reset-limit';

const refusals: Record<LinkProblem | 'withdrawn', () => Refusal> = {
	unknown: () => new Refusal(400, 'that password reset link is not valid', 'token'),
	used: () => new Refusal(410, 'that password reset link was already used', 'token'),
	expired: () => new Refusal(410, 'that password reset link has expired', 'token'),
	withdrawn: () => new Refusal(410, 'that password reset link no longer works', 'token')
};

/**
 * A link stands on its user and its maker as they are now: a suspended user's link never works,
 * and an admin's link only while that admin still is one (not demoted, suspended or deleted).
 * Null (the operator's command) needs nobody. The ends of those states delete links too; this
 * check covers whatever happens between a use's two looks.
 */
function usable(db: Db, reset: PasswordResetRecord | undefined, now: number): PasswordResetRecord {
	const problem = linkProblem(reset, now);
	if (problem) throw refusals[problem]();
	const user = findUserById(db, reset!.userId);
	if (!user) throw refusals.unknown();
	const maker = reset!.createdBy === null ? null : findUserById(db, reset!.createdBy);
	const makerStands = reset!.createdBy === null || (maker?.type === 'admin' && !maker.suspendedAt);
	if (user.suspendedAt || !makerStands) throw refusals.withdrawn();
	return reset!;
}

/**
 * Refuses (400 or 410) unless the link may be used now; the reset page asks before its form.
 * Not counted against the guessing limit: any page can make a visitor's browser open made-up
 * links (an image), and a look changes nothing; only a use counts (docs/security.md).
 */
export async function checkPasswordResetLink(token: string): Promise<void> {
	await storage().read((db) => {
		usable(db, findPasswordResetByTokenHash(db, hashSecretToken(token)), Date.now());
	});
}

/**
 * Uses a reset link: in one write transaction it is marked used (of two parallel uses, the one
 * whose transaction runs first takes it), the user's password replaced, and every login of the
 * user ended, so whoever held a session, or the old password, is out. The person who used it gets
 * a fresh login, as after a password change (docs/security.md).
 */
export async function usePasswordReset(
	input: PasswordReset,
	address: string,
	userAgent: string
): Promise<{ user: ServerUser; login: { token: string; session: ServerSession } }> {
	const tokenHash = hashSecretToken(input.token);
	return limitResetAttempts(address, async () => {
		// Looked at before the (slow) hashing, so a bad link costs the server nothing.
		await storage().read((db) => {
			usable(db, findPasswordResetByTokenHash(db, tokenHash), Date.now());
		});
		const passwordHash = await hashPassword(input.password);
		return change(async (tx) => {
			const reset = usable(tx.db, findPasswordResetByTokenHash(tx.db, tokenHash), tx.now);
			if (!markPasswordResetUsed(tx.db, reset.id, tx.now)) throw refusals.used();
			updatePasswordHash(tx.db, reset.userId, passwordHash);
			deleteCalendarFeed(tx.db, reset.userId);
			endUserFamilies(tx, reset.userId, 'password-changed');
			const login = await createSession(tx, { userId: reset.userId, userAgent });
			appendLoginUpdate(tx, reset.userId, login.session.family);
			const user = findUserById(tx.db, reset.userId)!;
			recordAudit(tx, {
				actor: null,
				action: 'password-reset-use',
				target: user,
				detail: reset.id,
				quoted: userAgent
			});
			return { user, login };
		});
	});
}
