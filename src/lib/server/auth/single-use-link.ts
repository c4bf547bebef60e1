export type LinkProblem = 'unknown' | 'used' | 'expired';

/**
 * Whether a single-use link (an invitation, a password reset) may still be used at `now`, or
 * why not. Used wins over expired: it tells the holder more.
 */
export function linkProblem(
	link: { usedAt: number | null; expiresAt: number } | undefined,
	now: number
): LinkProblem | null {
	if (!link) return 'unknown';
	if (link.usedAt !== null) return 'used';
	// The expiry instant itself is already too late.
	if (now >= link.expiresAt) return 'expired';
	return null;
}
