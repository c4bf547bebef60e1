import type { PasswordReset } from '$lib/api';
import { appendLoginUpdate } from '../auth/login-events';
import { hashPassword } from '../auth/password';
import { hashSecretToken } from '../auth/secret-token';
import { deleteCalendarFeed } from '../calendar/feed-store';
import { endUserFamilies } from '../auth/session-end';
import { createSession } from '../auth/session-start';
import { linkProblem, type LinkProblem } from '../auth/single-use-link';
import { getDb } from '../db';
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

const refusals: Record<LinkProblem, () => Refusal> = {
	unknown: () => new Refusal(400, 'that password reset link is not valid', 'token'),
	used: () => new Refusal(410, 'that password reset link was already used', 'token'),
	expired: () => new Refusal(410, 'that password reset link has expired', 'token')
};

function usable(reset: PasswordResetRecord | undefined, now: number): PasswordResetRecord {
	const problem = linkProblem(reset, now);
	if (problem) throw refusals[problem]();
	return reset!;
}

/** Refuses (400 or 410) unless the link may be used now; the reset page asks before its form. */
export function checkPasswordResetLink(token: string, address: string): Promise<void> {
	return limitResetAttempts(address, () => {
		usable(findPasswordResetByTokenHash(getDb(), hashSecretToken(token)), Date.now());
	});
}

/**
 * Uses a reset link: in one write transaction it is marked used (of two parallel uses, the one
 * whose transaction runs first takes it), the user's password replaced, and every login of the
 * user ended, so whoever held a session, or the old password, is out. The person who used it gets
 * a fresh login, as after a password change (contract §5).
 */
export function usePasswordReset(
	input: PasswordReset,
	address: string,
	userAgent: string
): Promise<{ user: ServerUser; login: { token: string; session: ServerSession } }> {
	const tokenHash = hashSecretToken(input.token);
	return limitResetAttempts(address, async () => {
		// Looked at before the (slow) hashing, so a bad link costs the server nothing.
		usable(findPasswordResetByTokenHash(getDb(), tokenHash), Date.now());
		const passwordHash = await hashPassword(input.password);
		return change((tx) => {
			const reset = usable(findPasswordResetByTokenHash(tx.db, tokenHash), tx.now);
			if (!markPasswordResetUsed(tx.db, reset.id, tx.now)) throw refusals.used();
			updatePasswordHash(tx.db, reset.userId, passwordHash);
			deleteCalendarFeed(tx.db, reset.userId);
			endUserFamilies(tx, reset.userId, 'password-changed');
			const login = createSession(tx, { userId: reset.userId, userAgent });
			appendLoginUpdate(tx, reset.userId, login.session.family);
			return { user: findUserById(tx.db, reset.userId)!, login };
		});
	});
}
