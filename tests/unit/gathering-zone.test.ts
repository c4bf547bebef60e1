import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	formatDate,
	formatMoment,
	fromLocalInput,
	movedTimes,
	sameWallClock,
	toLocalInput
} from '$lib/schedule/zoned-time';
import { clockParts, months } from '../helpers/zone-clock';

/*
 * Times of what happened are written in the gathering's zone from numbers, the same text in
 * every runtime; a change of zone keeps the programme's wall-clock times.
 */

// Zones with and without daylight saving, half and quarter hours, both hemispheres, and a zone
// whose clocks change at midnight.
const zones = [
	'UTC',
	'Europe/Berlin',
	'America/New_York',
	'Asia/Tokyo',
	'Asia/Kathmandu',
	'Australia/Lord_Howe',
	'Pacific/Chatham',
	'America/Santiago',
	'Asia/Beirut'
];
const zone = fc.constantFrom(...zones);
// Whole minutes, as entries are, from 2000 to 2040.
const instant = fc
	.integer({ min: Date.UTC(2000, 0, 1) / 60_000, max: Date.UTC(2040, 0, 1) / 60_000 })
	.map((minutes) => minutes * 60_000);

describe('formatMoment and formatDate', () => {
	it('write the date and time a clock in the gathering zone shows, never the process zone', () => {
		const at = Date.UTC(2026, 11, 6, 8, 51, 9);
		expect(formatMoment(at, 'Europe/Berlin')).toBe('6 Dec 2026, 09:51');
		expect(formatMoment(at, 'Europe/Berlin', true)).toBe('6 Dec 2026, 09:51:09');
		expect(formatMoment(at, 'Asia/Tokyo')).toBe('6 Dec 2026, 17:51');
		expect(formatMoment(at, 'America/New_York')).toBe('6 Dec 2026, 03:51');
		// Late on the 5th in Los Angeles, already the 6th in Berlin.
		expect(formatDate(Date.UTC(2026, 11, 6, 0, 30), 'Europe/Berlin')).toBe('6 Dec 2026');
		expect(formatDate(Date.UTC(2026, 11, 6, 0, 30), 'America/Los_Angeles')).toBe('5 Dec 2026');
		expect(formatMoment(Date.UTC(2026, 8, 1, 12), 'UTC')).toBe('1 Sept 2026, 12:00');
	});

	it('agree with the clock at any instant in any zone', () => {
		fc.assert(
			fc.property(instant, fc.integer({ min: 0, max: 59_999 }), zone, (ms, within, timeZone) => {
				const at = ms + within;
				const c = clockParts(at, timeZone);
				const date = `${Number(c.day)} ${months[Number(c.month) - 1]} ${c.year}`;
				expect(formatDate(at, timeZone)).toBe(date);
				expect(formatMoment(at, timeZone)).toBe(`${date}, ${c.hour}:${c.minute}`);
				expect(formatMoment(at, timeZone, true)).toBe(`${date}, ${c.hour}:${c.minute}:${c.second}`);
			})
		);
	});
});

describe('a change of zone', () => {
	it('keeps 01:58 at 01:58', () => {
		const typed = Date.UTC(2031, 0, 10, 1, 58);
		const moved = sameWallClock(typed, 'UTC', 'Europe/Berlin');
		expect(toLocalInput(moved, 'Europe/Berlin')).toBe('2031-01-10T01:58');
		expect(moved).toBe(typed - 3_600_000);
	});

	it('keeps every wall-clock time the new zone has, and reads one it skips as a typed one', () => {
		fc.assert(
			fc.property(instant, zone, zone, (ms, from, to) => {
				const wall = toLocalInput(ms, from);
				const moved = sameWallClock(ms, from, to);
				// The new zone's reading of that wall clock, gap or not, as the admin form's.
				expect(moved).toBe(fromLocalInput(wall, to));
				const exists = toLocalInput(fromLocalInput(wall, to), to) === wall;
				if (exists) expect(toLocalInput(moved, to)).toBe(wall);
			})
		);
	});

	it('never leaves an entry ending at or before its start, and keeps its length when it must', () => {
		fc.assert(
			fc.property(
				instant,
				fc.integer({ min: 1, max: 48 * 60 }),
				zone,
				zone,
				(start, minutes, from, to) => {
					const times = { start, end: start + minutes * 60_000 };
					const moved = movedTimes(times, from, to);
					expect(moved.end).toBeGreaterThan(moved.start);
					expect(moved.start).toBe(sameWallClock(start, from, to));
					const end = sameWallClock(times.end, from, to);
					expect(moved.end).toBe(end > moved.start ? end : moved.start + minutes * 60_000);
				}
			)
		);
	});

	it('back to the first zone gives the same times, away from the hours clocks change', () => {
		fc.assert(
			fc.property(instant, zone, zone, (ms, from, to) => {
				const wall = toLocalInput(ms, from);
				// Only where the wall clock happens exactly once in both zones.
				const once = (timeZone: string) =>
					toLocalInput(fromLocalInput(wall, timeZone), timeZone) === wall &&
					toLocalInput(fromLocalInput(wall, timeZone) + 3_600_000, timeZone) !== wall &&
					toLocalInput(fromLocalInput(wall, timeZone) + 1_800_000, timeZone) !== wall;
				fc.pre(once(from) && once(to));
				expect(sameWallClock(sameWallClock(ms, from, to), to, from)).toBe(ms);
			})
		);
	});
});
