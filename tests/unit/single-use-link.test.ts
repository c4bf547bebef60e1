import { describe, expect, it } from 'vitest';
import { generateSecretToken, hashSecretToken } from '$lib/server/auth/secret-token';
import { linkProblem } from '$lib/server/auth/single-use-link';

describe('the single-use link validity decision (invitations and password resets)', () => {
	const now = 1_000_000;
	it('an unused link before its expiry is valid', () => {
		expect(linkProblem({ usedAt: null, expiresAt: now + 1 }, now)).toBeNull();
	});
	it('an unknown, used or expired link is refused, saying which', () => {
		expect(linkProblem(undefined, now)).toBe('unknown');
		expect(linkProblem({ usedAt: now - 5, expiresAt: now + 1000 }, now)).toBe('used');
		expect(linkProblem({ usedAt: null, expiresAt: now }, now)).toBe('expired');
		expect(linkProblem({ usedAt: null, expiresAt: now - 1 }, now)).toBe('expired');
	});
	it('a used link stays used after it expired', () => {
		expect(linkProblem({ usedAt: now - 5, expiresAt: now - 1 }, now)).toBe('used');
	});
});

describe('the secret of a link', () => {
	it('holds at least 128 random bits, URL-safe', () => {
		const token = generateSecretToken();
		expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(token.length * 6).toBeGreaterThanOrEqual(128);
		expect(generateSecretToken()).not.toBe(token);
	});
	it('is kept as its SHA-256', () => {
		expect(hashSecretToken('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});
});
