import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import { endFamily } from '../auth/session-end';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { prepared } from '../storage/sqlite/statements';
import { findUserById } from './user-store';

/** An admin ends one login of a user; its streams close `revoked`, as when the user does it. */
export async function endUserSession(
	actor: ServerSession,
	userId: string,
	family: string
): Promise<void> {
	await change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const user = findUserById(tx.db, userId);
		if (!user) throw new Refusal(404, 'no such user');
		const owned = prepared(
			tx.db,
			'SELECT 1 FROM session WHERE user_id = ? AND family = ? AND ended_reason IS NULL'
		).get(userId, family);
		if (!owned) throw new Refusal(404, 'no such session');
		endFamily(tx, userId, family, 'revoked');
		recordAudit(tx, { actor: admin, action: 'session-end', target: user, detail: family });
	});
}
