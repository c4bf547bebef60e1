import { describe, expect, it } from 'vitest';
import { isCacheable } from '$lib/server/schedule/day-page';

const page = (query: string, date: string | null = null, shared = true) => ({
	shared,
	params: new URLSearchParams(query),
	date,
	locationIds: ['hall', 'tent'],
	days: ['2026-07-10', '2026-07-11']
});

describe('a day page render the public page cache may keep', () => {
	it('is a shared one (public or a stand-in) of a real variant: a known location or none, by location or not, a day with entries', () => {
		for (const [query, date] of [
			['', null],
			['location=hall', null],
			['location=', null],
			['by=location', '2026-07-10'],
			['location=tent&by=location', '2026-07-11'],
			['view=grid', '2026-07-11'],
			['location=hall&view=grid', '2026-07-10']
		] as const) {
			expect(isCacheable(page(query, date)), `${query} ${date}`).toBe(true);
		}
	});

	it('is never a logged-in one, a junk query or a day without entries', () => {
		expect(isCacheable(page('', null, false))).toBe(false);
		expect(isCacheable(page('location=nowhere'))).toBe(false);
		expect(isCacheable(page('by=time'))).toBe(false);
		expect(isCacheable(page('by='))).toBe(false);
		expect(isCacheable(page('view=table', '2026-07-10'))).toBe(false);
		expect(isCacheable(page('view=', '2026-07-10'))).toBe(false);
		expect(isCacheable(page('', '2026-07-12'))).toBe(false);
	});
});
