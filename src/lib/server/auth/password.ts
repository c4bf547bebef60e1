import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane. Algorithm 2 is Argon2id.
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/**
 * Verifying against this when the name is unknown makes a failed login take as long
 * whether or not the user exists.
 */
let dummyHash: Promise<string> | undefined;
export function passwordHashForUnknownUser(): Promise<string> {
	return (dummyHash ??= hashPassword('not-a-password-of-anyone'));
}
