import type { ApiEntry, ApiLocation } from '$lib/api';
import { groupByDay } from '$lib/schedule/days';
import { formatTime, fromLocalInput, isoWithOffset, localDate } from '$lib/schedule/zoned-time';
import { xmlAttribute as attr, xmlText as text } from '../feeds/xml-text';
import { acronymOf, entryGuid, eventNumbers, eventSlug, roomGuid } from './frab-ids';

/*
 * The public schedule as frab / pentabarf schedule XML, the file conference schedule apps
 * (EventFahrplan, Giggity, ConfClerk) and the c3voc tools read, as pretalx and frab write it:
 * <schedule> → <conference> → <day> → <room> → <event>. Every element the c3voc schema
 * (schedule.xml.xsd) requires is written, with its type and unit: dates as YYYY-MM-DD,
 * instants as ISO 8601 with the zone's offset, start as HH:MM on the local wall clock, duration
 * as HH:MM. docs/api.md lists them.
 */

/** Where entries without a location are listed: frab puts every event in a room. */
export const noLocationRoom = 'No location';

export interface FrabSchedule {
	/** The gathering's name and IANA time zone. */
	name: string;
	timeZone: string;
	/** Public entries only, in schedule order: this is a public file. */
	entries: readonly ApiEntry[];
	locations: readonly ApiLocation[];
	/** When the schedule last changed: the document's version. */
	changedAt: number;
	/** The app's public origin, for each entry's page. */
	origin: string;
	/** Now: an empty schedule still needs one day to be valid, and it is today. */
	now: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:MM, or HH:MM:SS when seconds remain; hours past 99 get more digits, as pretalx writes. */
export function frabDuration(ms: number): string {
	const seconds = Math.max(0, Math.floor(ms / 1000));
	const hm = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}`;
	return seconds % 60 ? `${hm}:${pad(seconds % 60)}` : hm;
}

/** The calendar date after a YYYY-MM-DD date. */
function nextDate(date: string): string {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Every date from the first to the last, so `index` counts the gathering's days. */
function datesBetween(first: string, last: string): string[] {
	const dates = [first];
	while (dates[dates.length - 1] < last) dates.push(nextDate(dates[dates.length - 1]));
	return dates;
}

/** Local midnight of the date as an instant (a day is 23 or 25 hours across a DST change). */
const midnight = (date: string, timeZone: string) => fromLocalInput(`${date}T00:00`, timeZone);

interface Room {
	name: string;
	guid: string;
	entries: ApiEntry[];
}

/** A day's entries by room, rooms in the order of `locations`, "No location" last. */
function roomsOf(entries: readonly ApiEntry[], locations: readonly ApiLocation[]): Room[] {
	const known = new Set(locations.map((location) => location.id));
	const rooms = locations.map((location) => ({
		name: location.name,
		guid: roomGuid(location.id),
		entries: entries.filter((entry) => entry.locationId === location.id)
	}));
	rooms.push({
		name: noLocationRoom,
		guid: roomGuid(null),
		entries: entries.filter((entry) => entry.locationId === null || !known.has(entry.locationId))
	});
	return rooms.filter((room) => room.entries.length > 0);
}

export function buildFrabXml(schedule: FrabSchedule): string {
	const { timeZone, origin } = schedule;
	const acronym = acronymOf(schedule.name);
	const numbers = eventNumbers(schedule.entries.map((entry) => entry.id));
	const byDate = new Map(
		groupByDay(schedule.entries, timeZone).map((day) => [day.date, day.entries])
	);
	const known = [...byDate.keys()];
	const today = localDate(schedule.now, timeZone);
	const dates = known.length ? datesBetween(known[0], known[known.length - 1]) : [today];
	const version = schedule.changedAt ? isoWithOffset(schedule.changedAt, timeZone) : '0';

	const lines = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<schedule>',
		'\t<generator name="Tidewatch"/>',
		`\t<version>${text(version)}</version>`,
		'\t<conference>',
		`\t\t<acronym>${acronym}</acronym>`,
		`\t\t<title>${text(schedule.name)}</title>`,
		`\t\t<start>${dates[0]}</start>`,
		`\t\t<end>${dates[dates.length - 1]}</end>`,
		`\t\t<days>${dates.length}</days>`,
		'\t\t<timeslot_duration>00:05</timeslot_duration>',
		`\t\t<base_url>${text(`${origin}/`)}</base_url>`,
		`\t\t<time_zone_name>${text(timeZone)}</time_zone_name>`,
		'\t</conference>'
	];
	dates.forEach((date, index) => {
		const start = isoWithOffset(midnight(date, timeZone), timeZone);
		const end = isoWithOffset(midnight(nextDate(date), timeZone), timeZone);
		lines.push(`\t<day index="${index + 1}" date="${date}" start="${start}" end="${end}">`);
		for (const room of roomsOf(byDate.get(date) ?? [], schedule.locations)) {
			lines.push(`\t\t<room name="${attr(room.name)}" guid="${room.guid}">`);
			for (const entry of room.entries) {
				const number = numbers.get(entry.id)!;
				lines.push(
					`\t\t\t<event guid="${entryGuid(entry.id)}" id="${number}">`,
					`\t\t\t\t<date>${isoWithOffset(entry.start, timeZone)}</date>`,
					`\t\t\t\t<start>${formatTime(entry.start, timeZone)}</start>`,
					`\t\t\t\t<duration>${frabDuration(entry.end - entry.start)}</duration>`,
					`\t\t\t\t<room>${text(room.name)}</room>`,
					`\t\t\t\t<slug>${eventSlug(acronym, number, entry.title)}</slug>`,
					`\t\t\t\t<url>${text(`${origin}/entries/${encodeURIComponent(entry.id)}`)}</url>`,
					`\t\t\t\t<title>${text(entry.title)}</title>`,
					// Tidewatch has no subtitles, tracks, types, languages, abstracts or speakers:
					// the schema wants the first five present, so they are empty.
					'\t\t\t\t<subtitle></subtitle>',
					'\t\t\t\t<track></track>',
					'\t\t\t\t<type></type>',
					'\t\t\t\t<language></language>',
					'\t\t\t\t<abstract></abstract>',
					`\t\t\t\t<description>${text(entry.description)}</description>`,
					'\t\t\t\t<persons></persons>',
					'\t\t\t\t<links></links>',
					'\t\t\t</event>'
				);
			}
			lines.push('\t\t</room>');
		}
		lines.push('\t</day>');
	});
	lines.push('</schedule>');
	return lines.join('\n') + '\n';
}
