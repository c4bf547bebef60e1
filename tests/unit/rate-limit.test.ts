import { describe, expect, it } from 'vitest';
import { RateLimiter } from '$lib/server/auth/rate-limit';

describe('the rate limiter', () => {
	it('allows `limit` attempts per window, then tells how long to wait', () => {
		const limiter = new RateLimiter(3, 1_000);
		for (const at of [0, 100, 200]) {
			expect(limiter.retryAfter('k', at)).toBe(0);
			limiter.record('k', at);
		}
		expect(limiter.retryAfter('k', 300)).toBe(700);
		expect(limiter.retryAfter('other', 300)).toBe(0);
		// The window slides: the first attempt leaves it at 1000.
		expect(limiter.retryAfter('k', 1_000)).toBe(0);
	});

	it('forgets a key on reset', () => {
		const limiter = new RateLimiter(1, 1_000);
		limiter.record('k', 0);
		expect(limiter.retryAfter('k', 1)).toBeGreaterThan(0);
		limiter.reset('k');
		expect(limiter.retryAfter('k', 1)).toBe(0);
	});

	it('takes back a refunded attempt, and only that one', () => {
		const limiter = new RateLimiter(2, 1_000);
		limiter.record('k', 0);
		limiter.record('k', 10);
		expect(limiter.retryAfter('k', 20)).toBeGreaterThan(0);
		limiter.refund('k', 10);
		expect(limiter.retryAfter('k', 20)).toBe(0);
		// A refund of an attempt never recorded changes nothing.
		limiter.refund('k', 5);
		limiter.record('k', 30);
		expect(limiter.retryAfter('k', 40)).toBe(960);
	});
});
