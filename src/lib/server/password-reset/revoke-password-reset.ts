import type { ApiPasswordResetLink } from '$lib/api';
import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import type { Db } from '../storage';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { findUserById } from '../users/user-store';
import { deleteUnusedPasswordReset, listOutstandingPasswordResets } from './password-reset-store';

/** A user's links that still work, for their admin page: when, by whom, until when. */
export function listPasswordResets(db: Db, userId: string, now: number): ApiPasswordResetLink[] {
	if (!findUserById(db, userId)) throw new Refusal(404, 'no such user');
	return listOutstandingPasswordResets(db, userId, now);
}

/** An admin revokes one unused link of a user; 404 when it is not (or no longer) there. */
export async function revokePasswordReset(
	actor: ServerSession,
	userId: string,
	resetId: string
): Promise<void> {
	await change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const user = findUserById(tx.db, userId);
		if (!user) throw new Refusal(404, 'no such user');
		if (!deleteUnusedPasswordReset(tx.db, userId, resetId)) {
			throw new Refusal(404, 'no such password reset link: it was used, replaced or revoked');
		}
		recordAudit(tx, {
			actor: admin,
			action: 'password-reset-revoke',
			target: user,
			detail: resetId
		});
	});
}
