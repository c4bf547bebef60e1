/*
 * Times are stored as instants (ms since the epoch) and shown as wall-clock times in the
 * settings' time zone, whatever the zone of the server or the browser.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone and style: building them is slow, and pages format hundreds. */
function format(timeZone: string, style: string, options: Intl.DateTimeFormatOptions) {
	const key = `${timeZone}|${style}`;
	let formatter = formats.get(key);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
		formats.set(key, formatter);
	}
	return formatter;
}

interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
}

function wallTime(ms: number, timeZone: string): WallTime {
	const parts = format(timeZone, 'parts', {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(ms);
	const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
	return {
		year: get('year'),
		month: get('month'),
		day: get('day'),
		hour: get('hour'),
		minute: get('minute')
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

/** How far the zone's wall clock is ahead of UTC at that instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
	const { year, month, day, hour, minute } = wallTime(ms, timeZone);
	const asUtc = Date.UTC(year, month - 1, day, hour, minute);
	return asUtc - (ms - (((ms % 60_000) + 60_000) % 60_000));
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

// A day's entries share a few dozen start and end times: each is formatted once.
const times = new Map<string, string>();

/** "18:30" in the zone. */
export function formatTime(ms: number, timeZone: string): string {
	const key = `${timeZone}|${ms}`;
	let time = times.get(key);
	if (time === undefined) {
		if (times.size >= 4096) times.clear();
		time = format(timeZone, 'time', {
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		}).format(ms);
		times.set(key, time);
	}
	return time;
}

/** "Saturday 4 July" for a YYYY-MM-DD date (a calendar date: no zone applies). */
export function formatDay(date: string): string {
	const [y, m, d] = date.split('-').map(Number);
	return format('UTC', 'day', { weekday: 'long', day: 'numeric', month: 'long' }).format(
		Date.UTC(y, m - 1, d)
	);
}

/** "Fri 10 Jul" for a YYYY-MM-DD date: the schedule's day links. */
export function formatShortDay(date: string): string {
	const [y, m, d] = date.split('-').map(Number);
	return format('UTC', 'short-day', { weekday: 'short', day: 'numeric', month: 'short' }).format(
		Date.UTC(y, m - 1, d)
	);
}

/** "Sat" in the zone: which day an entry listed away from its day's heading is on. */
export const formatWeekday = (ms: number, timeZone: string) =>
	format(timeZone, 'weekday', { weekday: 'short' }).format(ms);

/** "Sat 4 Jul, 18:30" in the zone. */
export const formatDateTime = (ms: number, timeZone: string) =>
	format(timeZone, 'datetime', {
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(ms);

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

const monthNames = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** "4 Jul 2026" in the zone. */
export function formatDate(ms: number, timeZone: string): string {
	const { year, month, day } = wallTime(ms, timeZone);
	return `${day} ${monthNames[month - 1]} ${year}`;
}

/**
 * "4 Jul 2026, 14:05" in the zone, or "4 Jul 2026, 14:05:09" with seconds: when something
 * happened (a login, a change, an invitation's expiry). Written from numbers, not from Intl's
 * words, which differ between runtimes ("Sep" or "Sept"): the server's page and the browser's
 * must be the same text, or hydration would change it.
 */
export function formatMoment(ms: number, timeZone: string, seconds = false): string {
	const { year, month, day, hour, minute } = wallTime(ms, timeZone);
	const time = `${pad(hour)}:${pad(minute)}`;
	const second = seconds ? `:${pad(Math.floor((((ms % 60_000) + 60_000) % 60_000) / 1000))}` : '';
	return `${day} ${monthNames[month - 1]} ${year}, ${time}${second}`;
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
