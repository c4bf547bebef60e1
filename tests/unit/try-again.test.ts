import { describe, expect, it } from 'vitest';
import { tooOftenRefusal, tryAgain } from '$lib/server/refusal';

describe('the "try again" wording', () => {
	it('tells the wait in whole seconds, rounded up, then in minutes from two minutes on', () => {
		expect(tryAgain(1)).toBe('try again in 1 second');
		expect(tryAgain(1_000)).toBe('try again in 1 second');
		expect(tryAgain(1_001)).toBe('try again in 2 seconds');
		expect(tryAgain(119_000)).toBe('try again in 119 seconds');
		expect(tryAgain(119_001)).toBe('try again in 2 minutes');
		expect(tryAgain(55 * 60_000)).toBe('try again in 55 minutes');
	});

	it('says "later" when nobody can tell how long', () => {
		expect(tryAgain()).toBe('try again later');
	});

	it('is what a 429 says, with the same wait in Retry-After', () => {
		const refusal = tooOftenRefusal('too many logins', 1_500, 'name');
		expect(refusal.status).toBe(429);
		expect(refusal.message).toBe('too many logins: try again in 2 seconds');
		expect(refusal.field).toBe('name');
		expect(refusal.headers).toEqual({ 'retry-after': '2' });
	});
});
