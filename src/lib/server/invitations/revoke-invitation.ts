import { change } from '../storage';
import { Refusal } from '../refusal';
import { recordAudit } from '../audit/audit-trail';
import { requireActor } from '../auth/actor';
import type { ServerSession } from '../types';

/** Revoking forgets the invitation: its link stops working at once. */
export async function revokeInvitation(actor: ServerSession, id: string): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		if (!(await tx.invitations.delete(id))) throw new Refusal(404, 'no such invitation');
		await recordAudit(tx, { actor: admin, action: 'invitation-revoke', target: null, detail: id });
	});
}
