import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	formatDateTime,
	formatDay,
	formatShortDay,
	formatTime,
	formatWeekday,
	learnOffsets,
	offsetsAround,
	toLocalInput,
	zoneOffsets
} from '$lib/schedule/zoned-time';

// Zones whose offsets change by an hour, by half an hour (Lord Howe), at odd minutes (Chatham),
// never (Kathmandu, UTC), or went the other way (Dublin's winter time is the negative one).
const zones = [
	'Europe/Berlin',
	'Europe/Dublin',
	'America/Santiago',
	'America/St_Johns',
	'Australia/Lord_Howe',
	'Pacific/Chatham',
	'Asia/Kathmandu',
	'UTC'
];
const day = 86_400_000;
const from = Date.UTC(2025, 0, 1);
const to = Date.UTC(2027, 0, 1);
const inRange = fc.integer({ min: from, max: to - 1 });

const formats = new Map<string, Intl.DateTimeFormat>();
/** What Intl says, in the formats the app writes. */
function intl(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${timeZone} ${JSON.stringify(options)}`;
	if (!formats.has(key))
		formats.set(key, new Intl.DateTimeFormat('en-GB', { timeZone, ...options }));
	return formats.get(key)!;
}

/** YYYY-MM-DDTHH:mm in the zone, as Intl reads the instant. */
function intlLocal(zone: string, ms: number): string {
	const parts = Object.fromEntries(
		intl(zone, {
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		})
			.formatToParts(ms)
			.map((part) => [part.type, part.value])
	);
	return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

describe('times from a table of offsets are what Intl says (property)', () => {
	for (const zone of zones) learnOffsets(zoneOffsets(zone, from, to));

	it('a table holds every change of offset in its range, to the minute', () => {
		const { changes } = zoneOffsets('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1));
		expect(changes).toEqual([
			[Date.UTC(2026, 0, 1), 60],
			[Date.UTC(2026, 2, 29, 1), 120],
			[Date.UTC(2026, 9, 25, 1), 60]
		]);
	});

	it('wall-clock times, weekdays and dates match Intl at any instant the tables cover', () => {
		fc.assert(
			fc.property(fc.constantFrom(...zones), inRange, (zone, ms) => {
				expect(toLocalInput(ms, zone)).toBe(intlLocal(zone, ms));
				expect(formatTime(ms, zone)).toBe(
					intl(zone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
				);
				expect(formatWeekday(ms, zone)).toBe(intl(zone, { weekday: 'short' }).format(ms));
				expect(formatDateTime(ms, zone)).toBe(
					intl(zone, {
						weekday: 'short',
						day: 'numeric',
						month: 'short',
						hour: '2-digit',
						minute: '2-digit',
						hourCycle: 'h23'
					}).format(ms)
				);
			}),
			{ numRuns: 1000 }
		);
	});

	it('the minutes either side of every change match Intl', () => {
		for (const zone of zones) {
			for (const [at] of zoneOffsets(zone, from, to).changes.slice(1)) {
				for (const ms of [at - 60_000, at, at + 60_000]) {
					expect(toLocalInput(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(
						intlLocal(zone, ms)
					);
				}
			}
		}
	});

	it('calendar dates are written as Intl writes them', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 3650 }), (n) => {
				const ms = Date.UTC(2020, 0, 1) + n * day;
				const date = new Date(ms).toISOString().slice(0, 10);
				expect(formatDay(date)).toBe(
					intl('UTC', { weekday: 'long', day: 'numeric', month: 'long' }).format(ms)
				);
				expect(formatShortDay(date)).toBe(
					intl('UTC', { weekday: 'short', day: 'numeric', month: 'short' }).format(ms)
				);
			}),
			{ numRuns: 500 }
		);
	});

	it('an instant no table covers is asked of Intl, and offsetsAround covers it from then on', () => {
		const far = Date.UTC(2031, 6, 4, 16, 30);
		expect(formatTime(far, 'Europe/Berlin')).toBe('18:30');
		const table = offsetsAround('Europe/Berlin', far);
		expect(table.from).toBeLessThanOrEqual(far);
		expect(table.to).toBeGreaterThan(far + 300 * day);
		expect(offsetsAround('Europe/Berlin', far + day)).toBe(table);
		expect(formatTime(far, 'Europe/Berlin')).toBe('18:30');
	});
});
