import type { ApiCreatedPasswordReset } from '$lib/api';
import { recordAudit } from '../audit/audit-trail';
import { requireActor, requireUser } from '../auth/actor';
import { generateLinkId, generateSecretToken, hashSecretToken } from '../auth/secret-token';
import { change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';

/** `/reset-password?token=…` on `origin`: the link a person opens to set a new password. */
function passwordResetUrl(origin: string, token: string): string {
	const url = new URL('/reset-password', origin);
	url.searchParams.set('token', token);
	return url.href;
}

/**
 * An admin makes a single-use password reset link for a user; it is answered this once and kept
 * only hashed, and the user's earlier unused links stop working. Audited; no event: no live page
 * shows reset links, and nothing changes for the user until the link is used. `'operator'`: the
 * `reset-password` command, for when no admin can log in; the operator is not a user.
 */
export async function createPasswordReset(
	actor: ServerSession | 'operator',
	userId: string,
	expiresInHours: number,
	origin: string
): Promise<ApiCreatedPasswordReset> {
	const token = generateSecretToken();
	return change(async (tx) => {
		const admin = actor === 'operator' ? null : await requireActor(tx, actor, { admin: true });
		const user = await requireUser(tx, userId);
		// A suspended user's link would never work (a suspension ends them and refuses their use).
		if (user.suspendedAt) {
			throw new Refusal(409, 'this user is suspended: lift the suspension before making a link');
		}
		await tx.passwordResets.deleteUnusedOf(userId);
		const reset = {
			id: generateLinkId(),
			userId,
			createdBy: admin?.id ?? null,
			createdAt: tx.now,
			expiresAt: tx.now + Math.round(expiresInHours * 3_600_000)
		};
		await tx.passwordResets.insert({ ...reset, usedAt: null }, hashSecretToken(token));
		await recordAudit(tx, {
			actor: admin,
			action: 'password-reset-create',
			target: user,
			detail: `${reset.id}, valid until ${new Date(reset.expiresAt).toISOString()}${admin ? '' : ", by the operator's command"}`
		});
		return {
			id: reset.id,
			createdAt: reset.createdAt,
			expiresAt: reset.expiresAt,
			url: passwordResetUrl(origin, token)
		};
	});
}
