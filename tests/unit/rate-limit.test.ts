import { describe, expect, it } from 'vitest';
import { DistinctLimiter, RateLimiter } from '$lib/server/auth/rate-limit';

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

describe('the count of distinct names', () => {
	it('counts a name once however often it fails, and makes only a new name beyond the limit wait', () => {
		const names = new DistinctLimiter(2, 1_000);
		for (const at of [0, 10, 20, 30]) names.record('hall', 'clumsy', at);
		expect(names.retryAfter('hall', 'someone', 40)).toBe(0);
		names.record('hall', 'someone', 40);
		// Two names: a third waits until the one counted longest ago leaves the window.
		expect(names.retryAfter('hall', 'third', 50)).toBe(980);
		expect(names.retryAfter('hall', 'clumsy', 50)).toBe(0);
		expect(names.retryAfter('elsewhere', 'third', 50)).toBe(0);
		expect(names.retryAfter('hall', 'third', 1_030)).toBe(0);
	});

	it('takes back a refunded count unless the name was counted again or forgotten since', () => {
		const names = new DistinctLimiter(1, 1_000);
		names.record('k', 'a', 0);
		expect(names.retryAfter('k', 'b', 1)).toBeGreaterThan(0);
		names.refund('k', 'a', 0);
		expect(names.retryAfter('k', 'b', 1)).toBe(0);

		names.record('k', 'a', 5);
		names.record('k', 'a', 6);
		names.refund('k', 'a', 5);
		expect(names.retryAfter('k', 'b', 7)).toBeGreaterThan(0);
		names.forget('k', 'a');
		expect(names.retryAfter('k', 'b', 7)).toBe(0);
	});
});
