import { createHash, randomBytes } from 'node:crypto';

/** 160 random bits, URL-safe: the only secret the browser holds. */
export function generateSessionToken(): string {
	return randomBytes(20).toString('base64url');
}

/** The session's database key, so a copy of the database hands out no live session. */
export function hashSessionToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Names a session in the API and the sessions list without revealing its key. */
export function generatePublicId(): string {
	return randomBytes(12).toString('base64url');
}
