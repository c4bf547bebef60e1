import type { ApiEntry, ApiSettings } from '$lib/api';
import { firstInstantAt, toLocalInput } from './zoned-time';

/*
 * A day of the gathering runs from its start hour (the settings' dayStartsAt, on the zone's
 * wall clock) to that hour of the next date, so a concert at 01:00 belongs to the evening
 * before once days start later than that. Each day begins at the first instant the zone's
 * clocks show its date and start hour or later (firstInstantAt): a start hour that occurs
 * twice is its first occurrence, and one the clocks jump over is the jump (docs/decisions.md).
 */

/** What decides which day an instant belongs to. */
export type DayRule = Pick<ApiSettings, 'timeZone' | 'dayStartsAt'>;

interface ScheduleDay<T = ApiEntry> {
	/** YYYY-MM-DD: the date the day starts on, in the settings' time zone. */
	date: string;
	entries: T[];
}

/** The YYYY-MM-DD date `days` after (or before) a date. */
export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant the gathering's day `date` begins. */
export const dayStart = (date: string, rule: DayRule): number =>
	firstInstantAt(`${date}T${rule.dayStartsAt}`, rule.timeZone);

/** The day found last: pages ask in schedule order, so the next entry is mostly on it too. */
let lastDay: { rule: string; start: number; end: number; date: string } | undefined;

/** The day of the gathering an instant belongs to: its start is at or before it, the next after. */
export function gatheringDate(ms: number, rule: DayRule): string {
	const ruleKey = `${rule.timeZone}|${rule.dayStartsAt}`;
	if (lastDay?.rule === ruleKey && lastDay.start <= ms && ms < lastDay.end) return lastDay.date;
	const [hours, minutes] = rule.dayStartsAt.split(':').map(Number);
	// The wall clock moved back by the start hour names the day, but for an hour or so around a
	// daylight-saving change: the boundaries themselves decide.
	const wall = Date.parse(`${toLocalInput(ms, rule.timeZone)}Z`);
	let date = new Date(wall - (hours * 60 + minutes) * 60_000).toISOString().slice(0, 10);
	for (;;) {
		const [start, end] = bounds(date, rule);
		if (ms < start) date = addDays(date, -1);
		else if (ms >= end) date = addDays(date, 1);
		else {
			lastDay = { rule: ruleKey, start, end, date };
			return date;
		}
	}
}

// Pages group hundreds of entries into a few days: each day's bounds are worked out once.
const spans = new Map<string, [number, number]>();

/** A day's start and the next day's. */
function bounds(date: string, rule: DayRule): [number, number] {
	const key = `${rule.timeZone}|${rule.dayStartsAt}|${date}`;
	let span = spans.get(key);
	if (!span) {
		if (spans.size >= 4096) spans.clear();
		span = [dayStart(date, rule), dayStart(addDays(date, 1), rule)];
		spans.set(key, span);
	}
	return span;
}

/**
 * Entries (or shifts) grouped under the day of the gathering their start belongs to (an entry
 * running past the day's end stays on the day it began), days in order, entries in the order
 * given.
 */
export function groupByDay<T extends { start: number }>(
	entries: readonly T[],
	rule: DayRule
): ScheduleDay<T>[] {
	const days = new Map<string, T[]>();
	for (const entry of entries) {
		const date = gatheringDate(entry.start, rule);
		const day = days.get(date);
		if (day) day.push(entry);
		else days.set(date, [entry]);
	}
	return [...days.keys()].sort().map((date) => ({ date, entries: days.get(date)! }));
}

interface LocationGroup<L, E = ApiEntry> {
	location: L | null;
	entries: E[];
}

/** A day's entries by location, in the order of `locations`, entries without one last. */
export function groupByLocation<L extends { id: string }, E extends Pick<ApiEntry, 'locationId'>>(
	entries: readonly E[],
	locations: readonly L[]
): LocationGroup<L, E>[] {
	const groups: LocationGroup<L, E>[] = locations.map((location) => ({
		location,
		entries: entries.filter((entry) => entry.locationId === location.id)
	}));
	const known = new Set(locations.map((location) => location.id));
	groups.push({
		location: null,
		entries: entries.filter((entry) => entry.locationId === null || !known.has(entry.locationId))
	});
	return groups.filter((group) => group.entries.length > 0);
}

/**
 * The day `/` opens on: today when it has entries, else the next day that has, else (the
 * gathering is over) the last one; null when no day has entries. `dates` in order.
 */
export function dayToOpen(dates: readonly string[], today: string): string | null {
	return dates.find((date) => date >= today) ?? dates.at(-1) ?? null;
}

/** Whether a text is a YYYY-MM-DD date that exists, in the years an entry may be in. */
export function isDayDate(text: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
	const [y, m, d] = text.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return y >= 2000 && date.toISOString().slice(0, 10) === text;
}
