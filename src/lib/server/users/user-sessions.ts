import { recordAudit } from '../audit/audit-trail';
import { requireActor, requireUser } from '../auth/actor';
import { endFamily } from '../auth/session-end';
import { change } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';

/** An admin ends one login of a user; its streams close `revoked`, as when the user does it. */
export async function endUserSession(
	actor: ServerSession,
	userId: string,
	family: string
): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const user = await requireUser(tx, userId);
		if (!(await tx.sessions.isOpenFamilyOf(userId, family))) {
			throw new Refusal(404, 'no such session');
		}
		await endFamily(tx, userId, family, 'revoked');
		await recordAudit(tx, { actor: admin, action: 'session-end', target: user, detail: family });
	});
}
