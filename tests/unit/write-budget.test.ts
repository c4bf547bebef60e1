import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserType } from '$lib/api';
import { RateLimiter } from '$lib/server/auth/rate-limit';
import { spendWrite } from '$lib/server/auth/write-budget';
import { Refusal } from '$lib/server/refusal';
import { memoryRecords } from '../helpers/storage';

const minute = 60_000;
const hour = 3_600_000;
/** A budget counting in a database of its own. */
const budget = (perMinute: number, perHour: number) => ({
	records: memoryRecords().records,
	limits: [new RateLimiter('minute', perMinute, minute), new RateLimiter('hour', perHour, hour)]
});
const regular = { id: 'u', type: 'regular' as UserType };

/** The Refusal a write at `now` meets, or null when it may go on. */
async function attempt(
	{ records, limits }: ReturnType<typeof budget>,
	user: typeof regular,
	now: number
): Promise<Refusal | null> {
	try {
		await spendWrite({ now, attempts: records.attempts }, user, limits);
		return null;
	} catch (error) {
		if (error instanceof Refusal) return error;
		throw error;
	}
}

describe('the write budget', async () => {
	it('allows a burst, then refuses with 429, the wait in words and in Retry-After', async () => {
		const limits = budget(3, 100);
		for (const at of [0, 10, 20]) expect(await attempt(limits, regular, at)).toBeNull();
		const refusal = await attempt(limits, regular, 1_000);
		expect(refusal?.status).toBe(429);
		expect(refusal?.message).toBe('too many changes: try again in 59 seconds');
		expect(refusal?.headers).toEqual({ 'retry-after': '59' });
		// The minute slides: the first write leaves it at 60 s.
		expect(await attempt(limits, regular, minute)).toBeNull();
		expect(await attempt(limits, regular, minute + 1)).not.toBeNull();
	});

	it('what a person may keep up is the hourly budget, told in minutes', async () => {
		const limits = budget(3, 5);
		for (let i = 0; i < 5; i++) expect(await attempt(limits, regular, i * minute)).toBeNull();
		const refusal = await attempt(limits, regular, 5 * minute);
		expect(refusal?.message).toBe('too many changes: try again in 55 minutes');
		expect(refusal?.retryAfterSeconds).toBe(55 * 60);
		expect(await attempt(limits, regular, hour)).toBeNull();
	});

	it("one user's budget is theirs alone; crew are counted, admins never", async () => {
		const limits = budget(1, 10);
		expect(await attempt(limits, regular, 0)).toBeNull();
		expect(await attempt(limits, regular, 1)).not.toBeNull();
		expect(await attempt(limits, { id: 'v', type: 'regular' }, 1)).toBeNull();
		expect(await attempt(limits, { id: 'c', type: 'crew' }, 1)).toBeNull();
		expect(await attempt(limits, { id: 'c', type: 'crew' }, 2)).not.toBeNull();
		for (let i = 0; i < 20; i++)
			expect(await attempt(limits, { id: 'a', type: 'admin' }, i)).toBeNull();
	});

	it('a write is allowed exactly while the minute and the hour before it hold fewer allowed writes than their budgets (model)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 5 }),
				fc.integer({ min: 1, max: 12 }),
				fc.array(fc.record({ user: fc.constantFrom('u', 'v'), gap: fc.nat(20 * minute) }), {
					maxLength: 80
				}),
				async (perMinute, perHour, writes) => {
					const limits = budget(perMinute, perHour);
					const allowed: { user: string; at: number }[] = [];
					let now = 0;
					for (const { user, gap } of writes) {
						now += gap;
						const mine = allowed.filter((w) => w.user === user);
						const inLast = (span: number) => mine.filter((w) => w.at > now - span).length;
						const expected = inLast(minute) < perMinute && inLast(hour) < perHour;
						const refusal = await attempt(limits, { id: user, type: 'regular' }, now);
						expect(refusal === null).toBe(expected);
						if (refusal) expect(refusal.retryAfterSeconds).toBeGreaterThan(0);
						else allowed.push({ user, at: now });
					}
				}
			)
		);
	});
});
