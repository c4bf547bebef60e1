import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settingsPatchSchema } from '$lib/api';
import { addDays, dayStart, gatheringDate, groupByDay, type DayRule } from '$lib/schedule/days';
import { firstInstantAt, isoWithOffset, localDate, toLocalInput } from '$lib/schedule/zoned-time';
import { memoryRecords } from '../helpers/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { frabModel } from '$lib/server/schedule/frab-model';

const berlin = (dayStartsAt: string): DayRule => ({ timeZone: 'Europe/Berlin', dayStartsAt });
const hour = 3_600_000;

describe('dayStartsAt in the settings', () => {
	const parse = (dayStartsAt: unknown) => settingsPatchSchema.safeParse({ dayStartsAt });

	it('takes HH:MM from 00:00 to 12:00', () => {
		for (const good of ['00:00', '03:00', '04:30', '11:59', '12:00', ' 04:00 ']) {
			expect(parse(good).success, good).toBe(true);
		}
		expect(parse(' 04:00 ').data).toEqual({ dayStartsAt: '04:00' });
	});

	it('refuses anything else, naming the field', () => {
		for (const bad of [
			'12:01',
			'13:00',
			'23:59',
			'24:00',
			'4:00',
			'04:60',
			'04:00:00',
			'',
			240,
			null
		]) {
			const result = parse(bad);
			expect(result.success, String(bad)).toBe(false);
			expect(result.error?.issues[0].message).toMatch(/dayStartsAt/);
		}
	});
});

describe('dayStartsAt in the database and the stream', () => {
	const settings = { name: 'Fest', timeZone: 'UTC', registration: 'open' as const };

	it('is stored, and the database refuses an hour outside 00:00 to 12:00', async () => {
		const { records } = memoryRecords();
		await records.settings.save({ ...settings, dayStartsAt: '04:00' });
		expect((await records.settings.find())?.dayStartsAt).toBe('04:00');
		for (const bad of ['12:30', '4:00', 'late']) {
			await expect(records.settings.save({ ...settings, dayStartsAt: bad }), bad).rejects.toThrow(
				/CHECK/
			);
		}
	});

	it('a settings-update stored before the setting existed reaches clients with midnight', () => {
		const old = { id: 3, createdAt: 1, type: 'settings-update', data: settings } as StoredEvent;
		expect(projectEvent(old, { level: 'public', userId: null })).toEqual({
			type: 'settings-update',
			data: { ...settings, dayStartsAt: '00:00' }
		});
	});
});

describe('the day of the gathering an instant belongs to', () => {
	it('a concert at 01:00 belongs to the evening before once days start at 04:00', () => {
		// 10 July 2026 is summer time in Berlin (+02:00): 01:00 on the 11th is 23:00 UTC on the 10th.
		const oneAm = Date.UTC(2026, 6, 10, 23);
		expect(localDate(oneAm, 'Europe/Berlin')).toBe('2026-07-11');
		expect(gatheringDate(oneAm, berlin('00:00'))).toBe('2026-07-11');
		expect(gatheringDate(oneAm, berlin('04:00'))).toBe('2026-07-10');
		// 03:59 is still the night before; 04:00 is the new day.
		expect(gatheringDate(Date.UTC(2026, 6, 11, 1, 59), berlin('04:00'))).toBe('2026-07-10');
		expect(gatheringDate(Date.UTC(2026, 6, 11, 2), berlin('04:00'))).toBe('2026-07-11');
	});

	it('groups entries under the day they belong to, in order', () => {
		const at = (id: string, start: number) => ({ id, start });
		const days = groupByDay(
			[
				at('evening', Date.UTC(2026, 6, 10, 18)),
				at('one-am', Date.UTC(2026, 6, 10, 23)),
				at('breakfast', Date.UTC(2026, 6, 11, 6))
			],
			berlin('04:00')
		);
		expect(days.map((day) => [day.date, day.entries.map((entry) => entry.id)])).toEqual([
			['2026-07-10', ['evening', 'one-am']],
			['2026-07-11', ['breakfast']]
		]);
	});

	it('a day runs from its start hour to that hour of the next date, with offsets', () => {
		const rule = berlin('04:00');
		expect(isoWithOffset(dayStart('2026-07-10', rule), rule.timeZone)).toBe(
			'2026-07-10T04:00:00+02:00'
		);
		expect(isoWithOffset(dayStart(addDays('2026-07-10', 1), rule), rule.timeZone)).toBe(
			'2026-07-11T04:00:00+02:00'
		);
	});
});

describe('day boundaries across daylight saving (Europe/Berlin, 2026)', () => {
	// Spring forward on 29 March: 02:00 CET becomes 03:00 CEST (01:00 UTC).
	it('a start hour the clocks jump over begins the day at the jump', () => {
		const jump = Date.UTC(2026, 2, 29, 1);
		expect(dayStart('2026-03-29', berlin('02:00'))).toBe(jump);
		expect(dayStart('2026-03-29', berlin('02:30'))).toBe(jump);
		expect(dayStart('2026-03-29', berlin('03:00'))).toBe(jump);
		// 01:59 CET is the day before; the jump is the new day.
		expect(gatheringDate(jump - 60_000, berlin('02:30'))).toBe('2026-03-28');
		expect(gatheringDate(jump, berlin('02:30'))).toBe('2026-03-29');
		// The day before the change is 23 hours long at a 04:00 start.
		const rule = berlin('04:00');
		expect(dayStart('2026-03-29', rule) - dayStart('2026-03-28', rule)).toBe(23 * hour);
	});

	// Fall back on 25 October: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:00–03:00 happens twice.
	it('a start hour that happens twice begins the day at its first occurrence', () => {
		const rule = berlin('02:30');
		const first = Date.UTC(2026, 9, 25, 0, 30);
		expect(dayStart('2026-10-25', rule)).toBe(first);
		expect(gatheringDate(first - 60_000, rule)).toBe('2026-10-24');
		expect(gatheringDate(first, rule)).toBe('2026-10-25');
		// 02:15 the second time round reads before 02:30 but comes after the boundary.
		const secondPass = Date.UTC(2026, 9, 25, 1, 15);
		expect(toLocalInput(secondPass, rule.timeZone)).toBe('2026-10-25T02:15');
		expect(gatheringDate(secondPass, rule)).toBe('2026-10-25');
		expect(dayStart('2026-10-26', rule) - dayStart('2026-10-25', rule)).toBe(25 * hour);
	});

	it('the frab <day> of such a night is 23 hours long, its offsets changing', () => {
		const model = frabModel({
			name: 'Fest',
			timeZone: 'Europe/Berlin',
			dayStartsAt: '04:00',
			entries: [
				{
					id: 'e1',
					title: 'Late set',
					description: '',
					locationId: null,
					start: Date.UTC(2026, 2, 28, 23, 30),
					end: Date.UTC(2026, 2, 29, 0, 30),
					visibility: 'public'
				}
			],
			locations: [],
			changedAt: 1,
			origin: 'https://example.org',
			now: 0
		});
		expect(model.days.map(({ date, start, end }) => ({ date, start, end }))).toEqual([
			{ date: '2026-03-28', start: '2026-03-28T04:00:00+01:00', end: '2026-03-29T04:00:00+02:00' }
		]);
		expect(model.days[0].rooms[0].events[0].start).toBe('00:30');
	});
});

describe('every instant belongs to exactly one day of the gathering (property)', () => {
	// Zones with summer time at 02:00, at midnight (Santiago, Havana, Beirut), by half an hour
	// (Lord Howe), odd offsets (Kathmandu, Chatham, St John's), two changes a year around
	// Ramadan (Casablanca), and a skipped date (Apia, 30 December 2011).
	const zones = [
		'UTC',
		'Europe/Berlin',
		'America/New_York',
		'America/Santiago',
		'America/Havana',
		'Asia/Beirut',
		'Australia/Lord_Howe',
		'Asia/Kathmandu',
		'Pacific/Chatham',
		'America/St_Johns',
		'Africa/Casablanca',
		'Pacific/Apia'
	];
	const rule = fc.record({
		timeZone: fc.constantFrom(...zones),
		dayStartsAt: fc
			.integer({ min: 0, max: 720 })
			.map(
				(m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
			)
	});
	const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2037, 11, 31) });
	const nearTransitions = fc
		.tuple(fc.integer({ min: 1971, max: 2037 }), fc.constantFrom(2, 3, 9, 10, 11), fc.nat(30 * 24))
		.map(([year, month, hours]) => Date.UTC(year, month, 1) + hours * hour);

	it('its day starts at or before it and the next day after it', () => {
		fc.assert(
			fc.property(rule, fc.oneof(instant, nearTransitions), (rule, ms) => {
				const date = gatheringDate(ms, rule);
				expect(dayStart(date, rule)).toBeLessThanOrEqual(ms);
				expect(dayStart(addDays(date, 1), rule)).toBeGreaterThan(ms);
			}),
			{ numRuns: 400 }
		);
	});

	it('a day starting just before the clocks move is read with the offset before the move', () => {
		// Chatham moved from +12:45 to +13:45 at 02:45 on 31 October 1982: 02:00 was still +12:45.
		const rule = { timeZone: 'Pacific/Chatham', dayStartsAt: '02:00' };
		const start = dayStart('1982-10-31', rule);
		expect(toLocalInput(start, rule.timeZone)).toBe('1982-10-31T02:00');
		expect(start).toBe(Date.UTC(1982, 9, 30, 13, 15));
	});

	it('day boundaries never go back, and each is the first instant the clocks show its hour or later', () => {
		fc.assert(
			fc.property(rule, fc.oneof(instant, nearTransitions), (rule, ms) => {
				const date = localDate(ms, rule.timeZone);
				const start = dayStart(date, rule);
				const next = dayStart(addDays(date, 1), rule);
				expect(next).toBeGreaterThanOrEqual(start);
				expect(next - start).toBeLessThanOrEqual(26 * hour);
				const local = `${date}T${rule.dayStartsAt}`;
				expect(toLocalInput(start, rule.timeZone) >= local).toBe(true);
				expect(toLocalInput(start - 60_000, rule.timeZone) < local).toBe(true);
			}),
			{ numRuns: 400 }
		);
	});

	it('later instants are never on earlier days', () => {
		fc.assert(
			fc.property(rule, instant, fc.nat(3 * 24 * hour), (rule, ms, later) => {
				expect(gatheringDate(ms + later, rule) >= gatheringDate(ms, rule)).toBe(true);
			}),
			{ numRuns: 300 }
		);
	});

	it('with days starting at 00:00 the day is the calendar date', () => {
		fc.assert(
			fc.property(fc.constantFrom(...zones), fc.oneof(instant, nearTransitions), (zone, ms) => {
				expect(gatheringDate(ms, { timeZone: zone, dayStartsAt: '00:00' })).toBe(
					localDate(ms, zone)
				);
			}),
			{ numRuns: 400 }
		);
	});

	it('a boundary in a gap is where the clocks jump, one in a repeated hour its first pass', () => {
		// Santiago springs forward at midnight: 6 September 2026 00:00 -04 becomes 01:00 -03.
		const jump = firstInstantAt('2026-09-06T00:00', 'America/Santiago');
		expect(toLocalInput(jump, 'America/Santiago')).toBe('2026-09-06T01:00');
		expect(toLocalInput(jump - 60_000, 'America/Santiago')).toBe('2026-09-05T23:59');
		// Apia skipped 30 December 2011: that day of the gathering is empty.
		const apia = (date: string) =>
			dayStart(date, { timeZone: 'Pacific/Apia', dayStartsAt: '00:00' });
		expect(apia('2011-12-31') - apia('2011-12-30')).toBe(0);
	});
});
