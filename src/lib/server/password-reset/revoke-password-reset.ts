import type { ApiPasswordResetLink } from '$lib/api';
import { recordAudit } from '../audit/audit-trail';
import { requireActor, requireUser } from '../auth/actor';
import { change, type Records } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';

/** A user's links that still work, for their admin page: when, by whom, until when. */
export async function listPasswordResets(
	records: Records,
	userId: string,
	now: number
): Promise<ApiPasswordResetLink[]> {
	await requireUser(records, userId);
	return records.passwordResets.listOutstanding(userId, now);
}

/** An admin revokes one unused link of a user; 404 when it is not (or no longer) there. */
export async function revokePasswordReset(
	actor: ServerSession,
	userId: string,
	resetId: string
): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const user = await requireUser(tx, userId);
		if (!(await tx.passwordResets.deleteUnused(userId, resetId))) {
			throw new Refusal(404, 'no such password reset link: it was used, replaced or revoked');
		}
		await recordAudit(tx, {
			actor: admin,
			action: 'password-reset-revoke',
			target: user,
			detail: resetId
		});
	});
}
