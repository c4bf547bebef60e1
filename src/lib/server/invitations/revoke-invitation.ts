import { change } from '../events/change';
import { Refusal } from '../refusal';
import { requireActingAdmin } from '../users/acting-admin';
import { deleteInvitation } from './invitation-store';

/** Revoking forgets the invitation: its link stops working at once. */
export function revokeInvitation(actorId: string, id: string): void {
	change((tx) => {
		requireActingAdmin(tx, actorId);
		if (!deleteInvitation(tx.db, id)) throw new Refusal(404, 'no such invitation');
	});
}
