import { exportedTimeZone, noLocationName, type ApiEntry, type ApiLocation } from '$lib/api';
import { addDays, dayStart, gatheringDate, groupByDay } from '$lib/schedule/days';
import { formatTime, isoWithOffset } from '$lib/schedule/zoned-time';
import { xmlCharacters } from '../feeds/xml-text';
import { acronymOf, entryGuid, eventNumbers, eventSlug, roomGuid } from './frab-ids';

/*
 * The public schedule in the frab data model (conference → days → rooms → events), with every
 * value already in the type and unit the format wants: the XML and the JSON file write the
 * same model, so they cannot disagree.
 */

/** Where entries without a location are listed: frab puts every event in a room. */
const noLocationRoom = noLocationName;

export interface FrabSchedule {
	/** The gathering's name and IANA time zone. */
	name: string;
	timeZone: string;
	/** HH:MM: when each day of the gathering starts (its `<day>` start and end). */
	dayStartsAt: string;
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

export interface FrabEvent {
	/** A positive integer below 2^31 that never changes while the entry exists. */
	id: number;
	guid: string;
	/** ISO 8601 with the offset in force then. */
	date: string;
	/** HH:MM on the local wall clock. */
	start: string;
	/** End minus start, in ms: each format writes it in its own unit. */
	durationMs: number;
	/** The end, ISO 8601 with the offset in force then: the JSON carries it beside the duration. */
	end: string;
	room: string;
	slug: string;
	url: string;
	title: string;
	description: string;
}

interface FrabRoom {
	name: string;
	guid: string;
	events: FrabEvent[];
}

export interface FrabDay {
	/** From 1. */
	index: number;
	/** YYYY-MM-DD, local: the date the day starts on. */
	date: string;
	/** The day's start hour on its date and on the next, ISO 8601 with offsets. */
	start: string;
	end: string;
	rooms: FrabRoom[];
}

export interface FrabModel {
	version: string;
	conference: {
		acronym: string;
		title: string;
		start: string;
		end: string;
		days: number;
		timeslotDuration: string;
		baseUrl: string;
		/** Null for a zone schedule apps cannot read (one stored before they were refused). */
		timeZone: string | null;
	};
	/** Every room that holds a public entry, in the order of the locations list. */
	rooms: { name: string; guid: string }[];
	days: FrabDay[];
}

/** Both files carry the same text: what XML cannot carry (such as U+FFFF) is left out of both. */
const clean = xmlCharacters;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The longest duration every checked reader takes, in minutes: Giggity and ConfClerk read a
 * duration as a time of day, so 24:00 and more fails or reads as 0 (docs/decisions.md).
 */
const longestFrabMinutes = 23 * 60 + 59;

/**
 * HH:MM to the nearest minute, never seconds (some readers take a third part for minutes or
 * refuse it), and at most 23:59: a longer entry is written as 23:59, and the JSON's `end`
 * carries its real end.
 */
export function frabDuration(ms: number): string {
	const minutes = Math.min(Math.max(0, Math.round(ms / 60_000)), longestFrabMinutes);
	return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Every date from the first to the last, so `index` counts the gathering's days. */
function datesBetween(first: string, last: string): string[] {
	const dates = [first];
	while (dates[dates.length - 1] < last) dates.push(addDays(dates[dates.length - 1], 1));
	return dates;
}

/** Rooms in the order of `locations`, "No location" last, each with its entries. */
function roomsOf(entries: readonly ApiEntry[], locations: readonly ApiLocation[]) {
	const known = new Set(locations.map((location) => location.id));
	const rooms = locations.map((location) => ({
		name: clean(location.name),
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

export function frabModel(schedule: FrabSchedule): FrabModel {
	const { timeZone, origin } = schedule;
	const acronym = acronymOf(schedule.name);
	const numbers = eventNumbers(schedule.entries.map((entry) => entry.id));
	const byDate = new Map(
		groupByDay(schedule.entries, schedule).map((day) => [day.date, day.entries])
	);
	const known = [...byDate.keys()];
	const today = gatheringDate(schedule.now, schedule);
	const dates = known.length ? datesBetween(known[0], known[known.length - 1]) : [today];

	const event = (entry: ApiEntry, room: string): FrabEvent => {
		const id = numbers.get(entry.id)!;
		return {
			id,
			guid: entryGuid(entry.id),
			date: isoWithOffset(entry.start, timeZone),
			start: formatTime(entry.start, timeZone),
			durationMs: entry.end - entry.start,
			end: isoWithOffset(entry.end, timeZone),
			room,
			slug: eventSlug(acronym, id, entry.title),
			url: `${origin}/entries/${encodeURIComponent(entry.id)}`,
			title: clean(entry.title),
			description: clean(entry.description)
		};
	};

	return {
		version: schedule.changedAt ? isoWithOffset(schedule.changedAt, timeZone) : '0',
		conference: {
			acronym,
			title: clean(schedule.name),
			start: dates[0],
			end: dates[dates.length - 1],
			days: dates.length,
			timeslotDuration: '00:05',
			baseUrl: `${origin}/`,
			timeZone: exportedTimeZone(timeZone)
		},
		rooms: roomsOf(schedule.entries, schedule.locations).map(({ name, guid }) => ({ name, guid })),
		days: dates.map((date, index) => ({
			index: index + 1,
			date,
			// A day is 23 or 25 hours across a daylight-saving change.
			start: isoWithOffset(dayStart(date, schedule), timeZone),
			end: isoWithOffset(dayStart(addDays(date, 1), schedule), timeZone),
			rooms: roomsOf(byDate.get(date) ?? [], schedule.locations).map((room) => ({
				name: room.name,
				guid: room.guid,
				events: room.entries.map((entry) => event(entry, room.name))
			}))
		}))
	};
}
