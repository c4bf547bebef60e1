import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayToOpen, isDayDate } from '$lib/schedule/days';

describe('the day the schedule opens on', () => {
	it('is today when it has entries, else the next day that has, else the last day', () => {
		const days = ['2026-07-09', '2026-07-10', '2026-07-12'];
		expect(dayToOpen(days, '2026-07-10')).toBe('2026-07-10');
		expect(dayToOpen(days, '2026-07-11')).toBe('2026-07-12');
		expect(dayToOpen(days, '2026-07-01')).toBe('2026-07-09');
		expect(dayToOpen(days, '2026-08-01')).toBe('2026-07-12');
		expect(dayToOpen([], '2026-08-01')).toBeNull();
	});

	it('is always a day with entries, never one before today while a later one has entries', () => {
		const date = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2026-01-01', n));
		fc.assert(
			fc.property(fc.uniqueArray(date, { minLength: 1 }), date, (unsorted, today) => {
				const days = [...unsorted].sort();
				const opened = dayToOpen(days, today)!;
				expect(days).toContain(opened);
				if (days.some((day) => day >= today)) {
					expect(opened >= today).toBe(true);
					expect(days.filter((day) => day >= today && day < opened)).toEqual([]);
				} else expect(opened).toBe(days.at(-1));
			})
		);
	});
});

describe('a day in the address', () => {
	it('is a real YYYY-MM-DD date from the year 2000 on', () => {
		for (const good of ['2026-07-10', '2028-02-29', '2000-01-01', '9999-12-31']) {
			expect(isDayDate(good), good).toBe(true);
		}
		for (const bad of [
			'2026-02-29',
			'2026-13-01',
			'2026-7-10',
			'1999-12-31',
			'tomorrow',
			'2026-07-10x',
			' 2026-07-10',
			'+02026-07-10',
			''
		]) {
			expect(isDayDate(bad), bad).toBe(false);
		}
	});
});
