import type { ApiCreatedPasswordReset } from '$lib/api';
import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import { generateLinkId, generateSecretToken, hashSecretToken } from '../auth/secret-token';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { findUserById } from '../users/user-store';
import { deleteUnusedPasswordResets, insertPasswordReset } from './password-reset-store';

/** `/reset-password?token=…` on `origin`: the link a person opens to set a new password. */
function passwordResetUrl(origin: string, token: string): string {
	const url = new URL('/reset-password', origin);
	url.searchParams.set('token', token);
	return url.href;
}

/**
 * An admin makes a single-use password reset link for a user; it is answered this once and kept
 * only hashed, and the user's earlier unused links stop working. Audited; no event: no live page
 * shows reset links, and nothing changes for the user until the link is used.
 */
export async function createPasswordReset(
	actor: ServerSession,
	userId: string,
	expiresInHours: number,
	origin: string
): Promise<ApiCreatedPasswordReset> {
	const token = generateSecretToken();
	return change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const user = findUserById(tx.db, userId);
		if (!user) throw new Refusal(404, 'no such user');
		// A suspended user's link would never work (a suspension ends them and refuses their use).
		if (user.suspendedAt) {
			throw new Refusal(409, 'this user is suspended: lift the suspension before making a link');
		}
		deleteUnusedPasswordResets(tx.db, userId);
		const reset = {
			id: generateLinkId(),
			userId,
			createdBy: actor.userId,
			createdAt: tx.now,
			expiresAt: tx.now + Math.round(expiresInHours * 3_600_000)
		};
		insertPasswordReset(tx.db, { ...reset, usedAt: null }, hashSecretToken(token));
		recordAudit(tx, {
			actor: admin,
			action: 'password-reset-create',
			target: user,
			detail: `${reset.id}, valid until ${new Date(reset.expiresAt).toISOString()}`
		});
		return {
			id: reset.id,
			createdAt: reset.createdAt,
			expiresAt: reset.expiresAt,
			url: passwordResetUrl(origin, token)
		};
	});
}
