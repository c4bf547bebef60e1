import type { ApiInvitation } from '$lib/api';

export type InvitationProblem = 'unknown' | 'used' | 'expired';

/** Whether an invitation still lets someone register at `now`, or why not. */
export function invitationProblem(
	invitation: Pick<ApiInvitation, 'usedAt' | 'expiresAt'> | undefined,
	now: number
): InvitationProblem | null {
	if (!invitation) return 'unknown';
	if (invitation.usedAt !== null) return 'used';
	// The expiry instant itself is already too late.
	if (now >= invitation.expiresAt) return 'expired';
	return null;
}
