/*
 * Times are stored as instants (ms since the epoch) and shown as wall-clock times in the
 * settings' time zone, whatever the zone of the server or the browser.
 */

/*
 * Time-zone data comes from Intl. But a browser's first Intl date formatter costs 40 to 400 ms
 * on a phone (it loads its time-zone and calendar data), in the middle of taking over the page.
 * So the server keeps a table of the zone's changes over a year around now (a few entries),
 * worked out once from Intl, and pages carry it (offsetsAround, learnOffsets): times it covers
 * are worked out with plain arithmetic, others ask Intl. Times are written in English without
 * Intl, so the server and the browser write the same text.
 */

const partsFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's wall clock is ahead of UTC at that instant, in ms, as Intl says. */
function intlOffset(ms: number, timeZone: string): number {
	let format = partsFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		});
		partsFormats.set(timeZone, format);
	}
	const parts = format.formatToParts(ms);
	const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
	return asUtc - (ms - (((ms % 60_000) + 60_000) % 60_000));
}

/**
 * A zone's offsets over [from, to): `changes` holds [instant, offset in minutes] pairs in order,
 * the first at `from`, each in force until the next.
 */
export interface ZoneOffsets {
	timeZone: string;
	from: number;
	to: number;
	changes: [number, number][];
}

const dayMs = 86_400_000;
/** Offsets change at most a few times a year, and never twice within this. */
const probeMs = 6 * 3_600_000;
/** The tables kept per zone: a page's times lie within one or two. */
const tablesPerZone = 8;
const known = new Map<string, ZoneOffsets[]>();

/** The zone's offsets over [from, to), from Intl: probed every six hours, changes to the minute. */
export function zoneOffsets(timeZone: string, from: number, to: number): ZoneOffsets {
	const minutes = (ms: number) => Math.round(intlOffset(ms, timeZone) / 60_000);
	from -= ((from % 60_000) + 60_000) % 60_000;
	const changes: [number, number][] = [[from, minutes(from)]];
	for (let before = from; before < to; before += probeMs) {
		const probe = Math.min(before + probeMs, to);
		const offset = minutes(probe);
		if (offset === changes[changes.length - 1][1]) continue;
		let [same, changed] = [before, probe];
		while (changed - same > 60_000) {
			const middle = same + Math.floor((changed - same) / 120_000) * 60_000;
			if (minutes(middle) === offset) changed = middle;
			else same = middle;
		}
		changes.push([changed, offset]);
	}
	return { timeZone, from, to, changes };
}

/** Takes a zone's table in (a page's): its times are worked out without Intl from then on. */
export function learnOffsets(offsets: ZoneOffsets): void {
	const tables = known.get(offsets.timeZone) ?? [];
	if (tables.some((table) => table.from === offsets.from && table.to === offsets.to)) return;
	if (tables.length >= tablesPerZone) tables.shift();
	tables.push(offsets);
	known.set(offsets.timeZone, tables);
}

const covering = (timeZone: string, ms: number) =>
	known.get(timeZone)?.find((table) => table.from <= ms && ms < table.to);

/** A table of the zone's offsets that covers the instant: a month before it to a year after. */
export function offsetsAround(timeZone: string, ms: number): ZoneOffsets {
	let table = covering(timeZone, ms);
	if (!table) learnOffsets((table = zoneOffsets(timeZone, ms - 31 * dayMs, ms + 366 * dayMs)));
	return table;
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
	const table = covering(timeZone, ms);
	if (!table) return intlOffset(ms, timeZone);
	const { changes } = table;
	let i = changes.length - 1;
	while (changes[i][0] > ms) i--;
	return changes[i][1] * 60_000;
}

interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	/** 0 for Sunday. */
	weekday: number;
}

function wallTime(ms: number, timeZone: string): WallTime {
	const wall = new Date(ms - (((ms % 60_000) + 60_000) % 60_000) + offsetAt(ms, timeZone));
	return {
		year: wall.getUTCFullYear(),
		month: wall.getUTCMonth() + 1,
		day: wall.getUTCDate(),
		hour: wall.getUTCHours(),
		minute: wall.getUTCMinutes(),
		weekday: wall.getUTCDay()
	};
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The date in the zone at that instant, as YYYY-MM-DD: the day an entry is listed under. */
export function localDate(ms: number, timeZone: string): string {
	const { year, month, day } = wallTime(ms, timeZone);
	return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The wall-clock time in the zone, as a datetime-local input shows it: YYYY-MM-DDTHH:mm. */
export function toLocalInput(ms: number, timeZone: string): string {
	const { year, month, day, hour, minute } = wallTime(ms, timeZone);
	return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

/**
 * The instants a wall-clock time (read as UTC) may name: with the offset a few hours before and
 * after, which covers any change of offset near the time, and with the offset at each of those
 * instants, for a time just before a change (Chatham's 02:00 on the night its clocks move at
 * 02:45: the offset 12 hours before and after is the summer one, which names 01:00).
 */
function candidateInstants(asUtc: number, timeZone: string): number[] {
	return [asUtc - 12 * 3_600_000, asUtc + 12 * 3_600_000].flatMap((probe) => {
		const instant = asUtc - offsetAt(probe, timeZone);
		return [instant, asUtc - offsetAt(instant, timeZone)];
	});
}

/**
 * The instant a wall-clock time in the zone names. A time that occurs twice (clocks going
 * back) is the first of the two; one that never occurs (clocks going forward) is read with
 * the offset from before the change, so 02:30 on a spring-forward night becomes 03:30.
 */
export function fromLocalInput(local: string, timeZone: string): number {
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
	if (!match) return NaN;
	const [, y, mo, d, h, mi] = match.map(Number);
	const asUtc = Date.UTC(y, mo - 1, d, h, mi);
	const candidates = candidateInstants(asUtc, timeZone).filter(
		(instant) => toLocalInput(instant, timeZone) === toLocalInput(asUtc, 'UTC')
	);
	if (candidates.length) return Math.min(...candidates);
	return asUtc - offsetAt(asUtc - 12 * 3_600_000, timeZone);
}

/**
 * The first instant at which the zone's clocks show `local` (YYYY-MM-DDTHH:mm) or later: a
 * time that occurs twice is its first occurrence, and one the clocks jump over is the moment
 * of the jump (02:30 on the night Berlin springs forward is 03:00 summer time). Unlike
 * fromLocalInput, which reads a typed time, this is a boundary: nothing of that date's wall
 * clock from `local` on may fall before it.
 */
export function firstInstantAt(local: string, timeZone: string): number {
	const [y, mo, d, h, mi] = local.split(/[-T:]/).map(Number);
	const asUtc = Date.UTC(y, mo - 1, d, h, mi);
	const candidates = candidateInstants(asUtc, timeZone);
	const exact = candidates.filter((instant) => toLocalInput(instant, timeZone) === local);
	if (exact.length) return Math.min(...exact);
	// In a gap: the clocks read before `local` at the earlier candidate and after it at the
	// later one; the jump lies between, on a whole minute.
	let before = Math.min(...candidates);
	let after = Math.max(...candidates);
	while (after - before > 60_000) {
		const middle = before + Math.floor((after - before) / 120_000) * 60_000;
		if (toLocalInput(middle, timeZone) >= local) after = middle;
		else before = middle;
	}
	return after;
}

// As Intl writes them in British English.
const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const months = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
const shortMonth = (month: number) => (month === 9 ? 'Sept' : months[month - 1].slice(0, 3));
const shortWeekday = (weekday: number) => weekdays[weekday].slice(0, 3);

/** "18:30" in the zone. */
export function formatTime(ms: number, timeZone: string): string {
	const { hour, minute } = wallTime(ms, timeZone);
	return `${pad(hour)}:${pad(minute)}`;
}

/** The parts of a YYYY-MM-DD date (a calendar date: no zone applies). */
function calendarDate(date: string) {
	const [y, m, d] = date.split('-').map(Number);
	return { month: m, day: d, weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay() };
}

/** "Saturday 4 July" for a YYYY-MM-DD date. */
export function formatDay(date: string): string {
	const { month, day, weekday } = calendarDate(date);
	return `${weekdays[weekday]} ${day} ${months[month - 1]}`;
}

/** "Fri 10 Jul" for a YYYY-MM-DD date: the schedule's day links. */
export function formatShortDay(date: string): string {
	const { month, day, weekday } = calendarDate(date);
	return `${shortWeekday(weekday)} ${day} ${shortMonth(month)}`;
}

/** "Sat" in the zone: which day an entry listed away from its day's heading is on. */
export const formatWeekday = (ms: number, timeZone: string) =>
	shortWeekday(wallTime(ms, timeZone).weekday);

/** "Sat 4 Jul, 18:30" in the zone. */
export function formatDateTime(ms: number, timeZone: string): string {
	const { month, day, weekday, hour, minute } = wallTime(ms, timeZone);
	return `${shortWeekday(weekday)} ${day} ${shortMonth(month)}, ${pad(hour)}:${pad(minute)}`;
}

/**
 * The instant as ISO 8601 with the zone's offset at that instant, to the second:
 * 2026-07-04T18:30:00+02:00. Either side of a daylight-saving change the offset differs.
 */
export function isoWithOffset(ms: number, timeZone: string): string {
	const whole = Math.floor(ms / 1000) * 1000;
	const offset = Math.round(offsetAt(whole, timeZone) / 60_000);
	const sign = offset < 0 ? '-' : '+';
	const seconds = Math.floor((((whole % 60_000) + 60_000) % 60_000) / 1000);
	return `${toLocalInput(whole, timeZone)}:${pad(seconds)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** "4 Jul 2026" in the zone. */
export function formatDate(ms: number, timeZone: string): string {
	const { year, month, day } = wallTime(ms, timeZone);
	return `${day} ${shortMonth(month)} ${year}`;
}

/**
 * "4 Jul 2026, 14:05" in the zone, or "4 Jul 2026, 14:05:09" with seconds: when something
 * happened (a login, a change, an invitation's expiry).
 */
export function formatMoment(ms: number, timeZone: string, seconds = false): string {
	const { year, month, day, hour, minute } = wallTime(ms, timeZone);
	const time = `${pad(hour)}:${pad(minute)}`;
	const second = seconds ? `:${pad(Math.floor((((ms % 60_000) + 60_000) % 60_000) / 1000))}` : '';
	return `${day} ${shortMonth(month)} ${year}, ${time}${second}`;
}

/**
 * The instant whose wall-clock time in `to` is the one `ms` shows in `from`, seconds kept: what
 * an entry typed as 01:58 becomes when the gathering's zone changes (it stays 01:58). A time
 * the new zone's clocks skip is read as fromLocalInput reads a typed one.
 */
export function sameWallClock(ms: number, from: string, to: string): number {
	if (from === to) return ms;
	const withinMinute = ((ms % 60_000) + 60_000) % 60_000;
	return fromLocalInput(toLocalInput(ms, from), to) + withinMinute;
}

/**
 * Where an entry's or shift's times go when the zone changes: the same wall clock, and never
 * an end at or before the start (across a night whose clocks jump, it keeps its length).
 */
export function movedTimes(
	times: { start: number; end: number },
	from: string,
	to: string
): { start: number; end: number } {
	const start = sameWallClock(times.start, from, to);
	const end = sameWallClock(times.end, from, to);
	return { start, end: end > start ? end : start + (times.end - times.start) };
}
