import type { ApiCreatedInvitation, ApiInvitation } from '$lib/api';
import { change } from '../events/change';
import { requireActingAdmin } from '../users/acting-admin';
import { insertInvitation } from './invitation-store';
import {
	generateInvitationId,
	generateInvitationToken,
	hashInvitationToken
} from './invitation-token';

/**
 * An admin makes a single-use invitation; its link is answered this once and kept only hashed.
 * No event: invitations are the admins' alone and the admin page reloads its list itself.
 */
export function createInvitation(
	actorId: string,
	expiresInHours: number,
	origin: string
): ApiCreatedInvitation {
	const token = generateInvitationToken();
	return change((tx) => {
		requireActingAdmin(tx, actorId);
		const invitation: ApiInvitation = {
			id: generateInvitationId(),
			createdAt: tx.now,
			expiresAt: tx.now + Math.round(expiresInHours * 3_600_000),
			usedAt: null,
			createdBy: actorId,
			usedBy: null
		};
		insertInvitation(tx.db, invitation, hashInvitationToken(token));
		const url = new URL('/register', origin);
		url.searchParams.set('invitation', token);
		return {
			id: invitation.id,
			createdAt: invitation.createdAt,
			expiresAt: invitation.expiresAt,
			url: url.href
		};
	});
}
