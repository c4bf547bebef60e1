import { describe, expect, it } from 'vitest';
import { DistinctLimiter, RateLimiter } from '$lib/server/auth/rate-limit';
import { memoryRecords } from '../helpers/storage';

// The limits count in the attempts records: a fresh database per test.
const fresh = () => memoryRecords().records;

describe('the rate limiter', () => {
	it('allows `limit` attempts per window, then tells how long to wait', async () => {
		const r = fresh();
		const limiter = new RateLimiter('t', 3, 1_000);
		for (const at of [0, 100, 200]) {
			expect(await limiter.retryAfter(r, 'k', at)).toBe(0);
			await limiter.record(r, 'k', at);
		}
		expect(await limiter.retryAfter(r, 'k', 300)).toBe(700);
		expect(await limiter.retryAfter(r, 'other', 300)).toBe(0);
		// The window slides: the first attempt leaves it at 1000.
		expect(await limiter.retryAfter(r, 'k', 1_000)).toBe(0);
	});

	it('forgets a key on reset', async () => {
		const r = fresh();
		const limiter = new RateLimiter('t', 1, 1_000);
		await limiter.record(r, 'k', 0);
		expect(await limiter.retryAfter(r, 'k', 1)).toBeGreaterThan(0);
		await limiter.reset(r, 'k');
		expect(await limiter.retryAfter(r, 'k', 1)).toBe(0);
	});

	it('takes back a refunded attempt, and only that one', async () => {
		const r = fresh();
		const limiter = new RateLimiter('t', 2, 1_000);
		await limiter.record(r, 'k', 0);
		await limiter.record(r, 'k', 10);
		expect(await limiter.retryAfter(r, 'k', 20)).toBeGreaterThan(0);
		await limiter.refund(r, 'k', 10);
		expect(await limiter.retryAfter(r, 'k', 20)).toBe(0);
		// A refund of an attempt never recorded changes nothing.
		await limiter.refund(r, 'k', 5);
		await limiter.record(r, 'k', 30);
		expect(await limiter.retryAfter(r, 'k', 40)).toBe(960);
	});
});

describe('the count of distinct names', () => {
	it('counts a name once however often it fails, and makes only a new name beyond the limit wait', async () => {
		const r = fresh();
		const names = new DistinctLimiter('t', 2, 1_000);
		for (const at of [0, 10, 20, 30]) await names.record(r, 'hall', 'clumsy', at);
		expect(await names.retryAfter(r, 'hall', 'someone', 40)).toBe(0);
		await names.record(r, 'hall', 'someone', 40);
		// Two names: a third waits until the one counted longest ago leaves the window.
		expect(await names.retryAfter(r, 'hall', 'third', 50)).toBe(980);
		expect(await names.retryAfter(r, 'hall', 'clumsy', 50)).toBe(0);
		expect(await names.retryAfter(r, 'elsewhere', 'third', 50)).toBe(0);
		expect(await names.retryAfter(r, 'hall', 'third', 1_030)).toBe(0);
	});

	it('takes back a refunded count unless the name was counted again or forgotten since', async () => {
		const r = fresh();
		const names = new DistinctLimiter('t', 1, 1_000);
		await names.record(r, 'k', 'a', 0);
		expect(await names.retryAfter(r, 'k', 'b', 1)).toBeGreaterThan(0);
		await names.refund(r, 'k', 'a', 0);
		expect(await names.retryAfter(r, 'k', 'b', 1)).toBe(0);

		await names.record(r, 'k', 'a', 5);
		await names.record(r, 'k', 'a', 6);
		await names.refund(r, 'k', 'a', 5);
		expect(await names.retryAfter(r, 'k', 'b', 7)).toBeGreaterThan(0);
		await names.forget(r, 'k', 'a');
		expect(await names.retryAfter(r, 'k', 'b', 7)).toBe(0);
	});
});

describe('the attempts kept', () => {
	it('counts attempts made in one instant one by one, takes them back one by one, and sweeps them once out of their window', async () => {
		const r = fresh();
		const limiter = new RateLimiter('t', 3, 1_000);
		for (let i = 0; i < 3; i++) await limiter.record(r, 'k', 5);
		expect(await limiter.retryAfter(r, 'k', 6)).toBe(999);
		await limiter.refund(r, 'k', 5);
		expect(await limiter.retryAfter(r, 'k', 6)).toBe(0);
		expect(await r.attempts.times('t', 'k', 0)).toEqual([5, 5]);
		expect(await r.attempts.prune(1_004)).toBe(0);
		expect(await r.attempts.prune(1_005)).toBe(1);
		expect(await r.attempts.times('t', 'k', -1)).toEqual([]);
	});
});
