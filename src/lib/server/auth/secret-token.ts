import { createHash, randomBytes } from 'node:crypto';

/**
 * The secrets of the single-use links (invitations, password resets): 256 random bits,
 * URL-safe. Whoever holds one may use it, so only its hash is kept.
 */
export function generateSecretToken(): string {
	return randomBytes(32).toString('base64url');
}

/** What the database keeps, so a copy of it hands out no link. */
export function hashSecretToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** The public name of a link's record, for lists and revocation: not a secret. */
export function generateLinkId(): string {
	return randomBytes(10).toString('base64url');
}
