import { describe, expect, it } from 'vitest';
import { credentialsSchema, passwordSchema } from '$lib/api';
import { hashPassword, verifyPassword } from '$lib/server/auth/password';

describe('password rules', () => {
	it('accept 8 to 256 characters and nothing else', () => {
		expect(passwordSchema.safeParse('a'.repeat(7)).success).toBe(false);
		expect(passwordSchema.safeParse('a'.repeat(8)).success).toBe(true);
		expect(passwordSchema.safeParse('a'.repeat(256)).success).toBe(true);
		expect(passwordSchema.safeParse('a'.repeat(257)).success).toBe(false);
		expect(passwordSchema.safeParse(12345678).success).toBe(false);
	});

	it('names are 1 to 64 characters, trimmed, without control characters', () => {
		const parse = (name: unknown) => credentialsSchema.safeParse({ name, password: 'password1' });
		expect(parse('').success).toBe(false);
		expect(parse('   ').success).toBe(false);
		expect(parse('a'.repeat(64)).success).toBe(true);
		expect(parse('a'.repeat(65)).success).toBe(false);
		expect(parse('a\u0000b').success).toBe(false);
		expect(parse('a\u202eb').success).toBe(false);
		expect(parse(' Zoë ').data?.name).toBe('Zoë');
	});

	it('are hashed with Argon2id and verified', async () => {
		const hash = await hashPassword('correct horse');
		expect(hash).toMatch(/^\$argon2id\$/);
		expect(await verifyPassword(hash, 'correct horse')).toBe(true);
		expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
		expect(await verifyPassword('not a hash', 'correct horse')).toBe(false);
	});
});
