import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserType } from '$lib/api';
import { RateLimiter } from '$lib/server/auth/rate-limit';
import { spendWrite } from '$lib/server/auth/write-budget';
import { Refusal } from '$lib/server/refusal';

const minute = 60_000;
const hour = 3_600_000;
const budget = (perMinute: number, perHour: number) => [
	new RateLimiter(perMinute, minute),
	new RateLimiter(perHour, hour)
];
const regular = { id: 'u', type: 'regular' as UserType };

/** The Refusal a write at `now` meets, or null when it may go on. */
function attempt(limits: RateLimiter[], user: typeof regular, now: number): Refusal | null {
	try {
		spendWrite({ now }, user, limits);
		return null;
	} catch (error) {
		if (error instanceof Refusal) return error;
		throw error;
	}
}

describe('the write budget', () => {
	it('allows a burst, then refuses with 429, the wait in words and in Retry-After', () => {
		const limits = budget(3, 100);
		for (const at of [0, 10, 20]) expect(attempt(limits, regular, at)).toBeNull();
		const refusal = attempt(limits, regular, 1_000);
		expect(refusal?.status).toBe(429);
		expect(refusal?.message).toBe('too many changes: try again in 59 seconds');
		expect(refusal?.headers).toEqual({ 'retry-after': '59' });
		// The minute slides: the first write leaves it at 60 s.
		expect(attempt(limits, regular, minute)).toBeNull();
		expect(attempt(limits, regular, minute + 1)).not.toBeNull();
	});

	it('what a person may keep up is the hourly budget, told in minutes', () => {
		const limits = budget(3, 5);
		for (let i = 0; i < 5; i++) expect(attempt(limits, regular, i * minute)).toBeNull();
		const refusal = attempt(limits, regular, 5 * minute);
		expect(refusal?.message).toBe('too many changes: try again in 55 minutes');
		expect(refusal?.retryAfterSeconds).toBe(55 * 60);
		expect(attempt(limits, regular, hour)).toBeNull();
	});

	it("one user's budget is theirs alone; crew are counted, admins never", () => {
		const limits = budget(1, 10);
		expect(attempt(limits, regular, 0)).toBeNull();
		expect(attempt(limits, regular, 1)).not.toBeNull();
		expect(attempt(limits, { id: 'v', type: 'regular' }, 1)).toBeNull();
		expect(attempt(limits, { id: 'c', type: 'crew' }, 1)).toBeNull();
		expect(attempt(limits, { id: 'c', type: 'crew' }, 2)).not.toBeNull();
		for (let i = 0; i < 20; i++) expect(attempt(limits, { id: 'a', type: 'admin' }, i)).toBeNull();
	});

	it('a write is allowed exactly while the minute and the hour before it hold fewer allowed writes than their budgets (model)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 5 }),
				fc.integer({ min: 1, max: 12 }),
				fc.array(fc.record({ user: fc.constantFrom('u', 'v'), gap: fc.nat(20 * minute) }), {
					maxLength: 80
				}),
				(perMinute, perHour, writes) => {
					const limits = budget(perMinute, perHour);
					const allowed: { user: string; at: number }[] = [];
					let now = 0;
					for (const { user, gap } of writes) {
						now += gap;
						const mine = allowed.filter((w) => w.user === user);
						const inLast = (span: number) => mine.filter((w) => w.at > now - span).length;
						const expected = inLast(minute) < perMinute && inLast(hour) < perHour;
						const refusal = attempt(limits, { id: user, type: 'regular' }, now);
						expect(refusal === null).toBe(expected);
						if (refusal) expect(refusal.retryAfterSeconds).toBeGreaterThan(0);
						else allowed.push({ user, at: now });
					}
				}
			)
		);
	});
});
