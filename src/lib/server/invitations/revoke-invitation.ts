import { change } from '../events/change';
import { Refusal } from '../refusal';
import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import type { ServerSession } from '../types';
import { deleteInvitation } from './invitation-store';

/** Revoking forgets the invitation: its link stops working at once. */
export async function revokeInvitation(actor: ServerSession, id: string): Promise<void> {
	await change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		if (!deleteInvitation(tx.db, id)) throw new Refusal(404, 'no such invitation');
		recordAudit(tx, { actor: admin, action: 'invitation-revoke', target: null, detail: id });
	});
}
