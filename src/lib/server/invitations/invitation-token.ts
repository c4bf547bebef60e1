import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: the secret of an invitation link. */
export function generateInvitationToken(): string {
	return randomBytes(32).toString('base64url');
}

/** What the database keeps, so a copy of it hands out no invitation. */
export function hashInvitationToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export function generateInvitationId(): string {
	return randomBytes(10).toString('base64url');
}
