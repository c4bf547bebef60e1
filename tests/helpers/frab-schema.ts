import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';

const hour = 3_600_000;

/*
 * The rules of the frab schedule formats as the c3voc schemas write them (schedule.xml.xsd for
 * the XML, schema.json for the JSON): the elements and properties each requires, their types
 * and units, each with a name in a failure. The schemas themselves run too (c3voc-schemas.ts);
 * these add what the schemas leave open and the apps need (a duration they all read).
 */

// Elements that may repeat are always arrays, so an empty or single one reads the same way.
export const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: '@',
	parseTagValue: false,
	parseAttributeValue: false,
	trimValues: true,
	// Without it fast-xml-parser leaves character references such as &#10; undecoded.
	htmlEntities: true,
	isArray: (_name, jpath) =>
		[
			'schedule.day',
			'schedule.day.room',
			'schedule.day.room.event',
			'schedule.day.room.event.persons.person',
			'schedule.day.room.event.links.link'
		].includes(String(jpath))
});

export type Node = Record<string, unknown>;
export type Event = Record<string, string> & Node;

export const days = (root: Node) => root.day as Node[];
export const rooms = (day: Node) => (day.room ?? []) as Node[];
export const events = (root: Node) =>
	days(root).flatMap((day) => rooms(day).flatMap((room) => (room.event ?? []) as Event[]));

// The c3voc schema's simple types.
export const xsDate = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const dateTimeTZ =
	/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z|[+-]\d{1,2}:\d{2})$/;
export const startPattern = /^([0-2][0-9]:[0-5][0-9])$|^([0-2][0-9]:[0-5][0-9]:[0-5][0-9])$/;
export const durationPattern = /^([0-9]{1,2}:[0-9]{2})$|^([0-9]{1,2}:[0-9]{2}:[0-9]{1,2})$/;
/**
 * A duration every checked reader takes: Giggity and ConfClerk read it as a time of day
 * (hours 0 to 23), EventFahrplan and pretalx-downstream take exactly two parts.
 */
export const readableDuration = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
export const uuid = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;
export const positiveInteger = /^[1-9]\d*$/;
export const httpUri = /^https?:\/\/.*/;
/** XML 1.0's Char production (2.2): what a document may hold at all. */
export const xmlChars = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** The instant an xs:dateTime with an offset names. */
export const instant = (value: string) => Date.parse(value);
/** Minutes of "HH:MM" or "HH:MM:SS". */
export const minutesOf = (value: string) => {
	const [h, m, s = '0'] = value.split(':').map(String);
	return Number(h) * 60 + Number(m) + Number(s) / 60;
};

/** Every rule of the schema the document must meet, whatever it holds. */
export function expectValidSchedule(root: Node, timeZone: string, dayStartsAt = '00:00') {
	expect(Object.keys(root).sort()).toEqual(['conference', 'day', 'generator', 'version'].sort());
	expect(typeof root.version).toBe('string');
	expect(root.version).not.toBe('');

	const conference = root.conference as Record<string, string>;
	const allowedConference = [
		'title',
		'acronym',
		'start',
		'end',
		'days',
		'timeslot_duration',
		'base_url',
		'time_zone_name'
	];
	expect(Object.keys(conference).filter((key) => !allowedConference.includes(key))).toEqual([]);
	expect(conference.title).toEqual(expect.any(String));
	expect(conference.acronym).toMatch(/^[a-z0-9_-]{4,}$/);
	expect(conference.start).toMatch(xsDate);
	expect(conference.end).toMatch(xsDate);
	expect(conference.end >= conference.start).toBe(true);
	expect(conference.days).toMatch(/^\d+$/);
	expect(Number(conference.days)).toBe(days(root).length);
	expect(conference.timeslot_duration).toMatch(durationPattern);
	expect(conference.base_url).toMatch(httpUri);
	expect(conference.time_zone_name).toBe(timeZone);

	expect(days(root).length).toBeGreaterThanOrEqual(1);
	days(root).forEach((day, i) => {
		expect(Object.keys(day).filter((key) => !key.startsWith('@') && key !== 'room')).toEqual([]);
		expect(day['@index']).toBe(String(i + 1));
		expect(day['@date']).toMatch(xsDate);
		expect(day['@start']).toMatch(dateTimeTZ);
		expect(day['@end']).toMatch(dateTimeTZ);
		// A day runs from its start hour (midnight unless set) to the next one: 23, 24 or 25 hours.
		expect((day['@start'] as string).slice(0, 19)).toBe(`${day['@date']}T${dayStartsAt}:00`);
		const hours = (instant(day['@end'] as string) - instant(day['@start'] as string)) / hour;
		expect([23, 24, 25]).toContain(hours);
		for (const room of rooms(day)) {
			expect(room['@name']).toEqual(expect.any(String));
			expect(room['@guid']).toMatch(uuid);
		}
	});
	expect(days(root)[0]['@date']).toBe(conference.start);
	expect(days(root).at(-1)!['@date']).toBe(conference.end);

	const required = [
		'room',
		'title',
		'subtitle',
		'type',
		'date',
		'start',
		'duration',
		'abstract',
		'slug',
		'track'
	];
	const optional = [
		'logo',
		'persons',
		'language',
		'description',
		'recording',
		'links',
		'attachments',
		'video_download_url',
		'url'
	];
	for (const day of days(root)) {
		for (const room of rooms(day)) {
			for (const event of (room.event ?? []) as Event[]) {
				const children = Object.keys(event).filter((key) => !key.startsWith('@'));
				expect(
					children.filter((key) => !required.includes(key) && !optional.includes(key))
				).toEqual([]);
				for (const key of required) expect(typeof event[key], key).toBe('string');
				expect(event['@id']).toMatch(positiveInteger);
				// Apps keep the id in a 32-bit signed integer.
				expect(Number(event['@id'])).toBeLessThan(2 ** 31);
				expect(event['@guid']).toMatch(uuid);
				expect(event.room).toBe(room['@name']);
				expect(event.date).toMatch(dateTimeTZ);
				expect(event.start).toMatch(startPattern);
				expect(event.duration).toMatch(durationPattern);
				expect(event.duration).toMatch(readableDuration);
				// start is the local wall clock of date, and the event is listed on the day it
				// starts in (a 01:00 event is on the evening before once days start later).
				expect(event.date.slice(11, 16)).toBe(event.start);
				expect(instant(event.date)).toBeGreaterThanOrEqual(instant(day['@start'] as string));
				expect(instant(event.date)).toBeLessThan(instant(day['@end'] as string));
				expect(event.url).toMatch(httpUri);
				expect(event.slug).toMatch(
					new RegExp(`^${conference.acronym}-${event['@id']}-[a-z0-9-]{4,}$`)
				);
			}
		}
	}
	const all = events(root);
	for (const key of ['@id', '@guid', 'slug'] as const) {
		expect(new Set(all.map((event) => event[key])).size, `${key} is unique`).toBe(all.length);
	}
}

export interface JsonEvent {
	[key: string]: unknown;
	id: number;
	guid: string;
	date: string;
	start: string;
	duration: string;
	room: string;
	title: string;
}
export interface JsonDay {
	index: number;
	date: string;
	day_start: string;
	day_end: string;
	rooms: Record<string, JsonEvent[]>;
}
export interface JsonDocument {
	$schema: string;
	generator: { name: string };
	schedule: {
		version: string;
		base_url: string;
		conference: Record<string, unknown> & {
			acronym: string;
			daysCount: number;
			days: JsonDay[];
			rooms: { name: string; guid: string }[];
		};
	};
}

export const keysOnly = (object: object, allowed: string[]) =>
	Object.keys(object).filter((key) => !allowed.includes(key));

/** The c3voc JSON schema's rules: required properties, their types, no others where it says so. */
export function expectValidJson(document: JsonDocument) {
	expect(keysOnly(document, ['schedule', '$schema', 'generator'])).toEqual([]);
	expect(document.generator.name).toBe('Tidewatch');
	const { schedule: root } = document;
	expect(typeof root.version).toBe('string');
	expect(root.base_url).toMatch(httpUri);
	const conference = root.conference;
	const conferenceKeys = ['title', 'acronym', 'days', 'daysCount', 'start', 'end'];
	for (const key of [...conferenceKeys, 'timeslot_duration'])
		expect(conference).toHaveProperty(key);
	expect(
		keysOnly(conference, [
			...conferenceKeys,
			'timeslot_duration',
			'time_zone_name',
			'rooms',
			'description',
			'logo',
			'colors',
			'keywords',
			'url',
			'tracks',
			'meta'
		])
	).toEqual([]);
	expect(conference.acronym).toMatch(/^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$/);
	expect(conference.title).toEqual(expect.any(String));
	expect(conference.start).toMatch(xsDate);
	expect(conference.end).toMatch(xsDate);
	expect(Number.isInteger(conference.daysCount)).toBe(true);
	expect(conference.daysCount).toBe(conference.days.length);
	expect(conference.timeslot_duration).toEqual(expect.any(String));
	for (const room of conference.rooms) {
		expect(keysOnly(room, ['name', 'guid', 'description', 'capacity'])).toEqual([]);
		expect(room.name).toEqual(expect.any(String));
		expect(room.guid).toMatch(uuid);
	}
	const requiredEvent = [
		'abstract',
		'date',
		'duration',
		'guid',
		'id',
		'language',
		'links',
		'persons',
		'room',
		'slug',
		'start',
		'subtitle',
		'title',
		'track',
		'type',
		'url'
	];
	const optionalEvent = [
		'logo',
		'description',
		'recording_license',
		'do_not_record',
		'do_not_stream',
		'end',
		'attachments',
		'answers'
	];
	conference.days.forEach((day, i) => {
		expect(keysOnly(day, ['index', 'date', 'day_start', 'day_end', 'rooms'])).toEqual([]);
		expect(day.index).toBe(i + 1);
		expect(day.date).toMatch(xsDate);
		expect(day.day_start).toMatch(dateTimeTZ);
		expect(day.day_end).toMatch(dateTimeTZ);
		expect(typeof day.rooms).toBe('object');
		for (const [name, list] of Object.entries(day.rooms)) {
			expect(Array.isArray(list)).toBe(true);
			for (const event of list) {
				for (const key of requiredEvent) expect(event, key).toHaveProperty(key);
				expect(keysOnly(event, [...requiredEvent, ...optionalEvent])).toEqual([]);
				expect(Number.isInteger(event.id) && event.id >= 1).toBe(true);
				expect(event.guid).toMatch(uuid);
				expect(event.date).toMatch(dateTimeTZ);
				// The schema says date-time; pretalx and frab write HH:MM, which the apps read.
				expect(event.start).toMatch(/^[0-2][0-9]:[0-5][0-9]$/);
				expect(event.duration).toMatch(/^[0-9]+:[0-9]{2}$/);
				expect(event.duration).toMatch(readableDuration);
				if (event.end !== undefined) expect(event.end).toMatch(dateTimeTZ);
				expect(event.room).toBe(name);
				expect(event.slug).toMatch(/^[a-z0-9_-]+[a-z0-9]$/);
				expect(event.url).toMatch(httpUri);
				for (const key of ['title', 'type', 'language']) expect(typeof event[key]).toBe('string');
				for (const key of ['subtitle', 'track', 'abstract', 'description']) {
					expect(['string', 'object']).toContain(typeof event[key]);
				}
				expect(Array.isArray(event.persons) && Array.isArray(event.links)).toBe(true);
			}
		}
	});
}

export const jsonEvents = (document: JsonDocument) =>
	document.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flat());
