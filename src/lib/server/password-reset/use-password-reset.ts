import type { PasswordReset } from '$lib/api';
import { recordAudit } from '../audit/audit-trail';
import { appendLoginUpdate } from '../auth/login-events';
import { hashPassword } from '../auth/password';
import { hashSecretToken } from '../auth/secret-token';
import { endUserFamilies } from '../auth/session-end';
import { createSession } from '../auth/session-start';
import { linkProblem, type LinkProblem } from '../auth/single-use-link';
import { storage, type Records, change } from '../storage';
import type { PasswordResetRecord } from '../storage/records/people';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
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
async function usable(
	records: Records,
	reset: PasswordResetRecord | undefined,
	now: number
): Promise<PasswordResetRecord> {
	const problem = linkProblem(reset, now);
	if (problem) throw refusals[problem]();
	const user = await records.users.find(reset!.userId);
	if (!user) throw refusals.unknown();
	const maker = reset!.createdBy === null ? null : await records.users.find(reset!.createdBy);
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
	await storage().read(async (records) => {
		await usable(
			records,
			await records.passwordResets.findByTokenHash(hashSecretToken(token)),
			Date.now()
		);
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
		await storage().read(async (records) => {
			await usable(records, await records.passwordResets.findByTokenHash(tokenHash), Date.now());
		});
		const passwordHash = await hashPassword(input.password);
		return change(async (tx) => {
			const reset = await usable(tx, await tx.passwordResets.findByTokenHash(tokenHash), tx.now);
			if (!(await tx.passwordResets.markUsed(reset.id, tx.now))) throw refusals.used();
			await tx.users.setPasswordHash(reset.userId, passwordHash);
			await tx.calendarFeeds.delete(reset.userId);
			await endUserFamilies(tx, reset.userId, 'password-changed');
			const login = await createSession(tx, { userId: reset.userId, userAgent });
			await appendLoginUpdate(tx, reset.userId, login.session.family);
			const user = (await tx.users.find(reset.userId))!;
			await recordAudit(tx, {
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
