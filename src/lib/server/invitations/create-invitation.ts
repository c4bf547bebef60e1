import type { ApiCreatedInvitation, ApiInvitation } from '$lib/api';
import { change } from '../storage';
import { recordAudit } from '../audit/audit-trail';
import { requireActor } from '../auth/actor';
import type { ServerSession } from '../types';
import { generateLinkId, generateSecretToken, hashSecretToken } from '../auth/secret-token';

/**
 * An admin makes a single-use invitation; its link is answered this once and kept only hashed.
 * No event: invitations are the admins' alone and the admin page reloads its list itself.
 */
export async function createInvitation(
	actor: ServerSession,
	expiresInHours: number,
	origin: string
): Promise<ApiCreatedInvitation> {
	const token = generateSecretToken();
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const invitation: ApiInvitation = {
			id: generateLinkId(),
			createdAt: tx.now,
			expiresAt: tx.now + Math.round(expiresInHours * 3_600_000),
			usedAt: null,
			createdBy: actor.userId,
			usedBy: null
		};
		await tx.invitations.insert(invitation, hashSecretToken(token));
		await recordAudit(tx, {
			actor: admin,
			action: 'invitation-create',
			target: null,
			detail: `${invitation.id}, valid ${expiresInHours} h`
		});
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
