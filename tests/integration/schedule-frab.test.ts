import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * GET /schedule.xml, the frab / pentabarf schedule XML that EventFahrplan, Giggity, ConfClerk
 * and the c3voc tools read, read back with fast-xml-parser and checked against the c3voc
 * schema (schedule.xml.xsd): every element and attribute it requires, with its type and unit.
 * Also: public entries only, escaping, the day that clocks go back, conditional GET. And
 * GET /schedule.json, the same schedule as frab JSON, checked against the c3voc JSON schema
 * (schema.json) and against the XML.
 */

let server: TestServer;
let admin: Client;

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
});
afterAll(() => server?.close());

const minute = 60_000;
const hour = 60 * minute;

async function post(path: string, body: unknown) {
	const response = await admin.json(path, 'POST', body);
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

// Elements that may repeat are always arrays, so an empty or single one reads the same way.
const parser = new XMLParser({
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

type Node = Record<string, unknown>;
type Event = Record<string, string> & Node;

async function schedule(headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}/schedule.xml`, { headers });
	expect(response.status).toBe(200);
	const text = await response.text();
	expect(XMLValidator.validate(text)).toBe(true);
	const document = parser.parse(text) as { schedule: Node };
	return { response, text, schedule: document.schedule };
}

const days = (root: Node) => root.day as Node[];
const rooms = (day: Node) => (day.room ?? []) as Node[];
const events = (root: Node) =>
	days(root).flatMap((day) => rooms(day).flatMap((room) => (room.event ?? []) as Event[]));

// The c3voc schema's simple types.
const xsDate = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const dateTimeTZ = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z|[+-]\d{1,2}:\d{2})$/;
const startPattern = /^([0-2][0-9]:[0-5][0-9])$|^([0-2][0-9]:[0-5][0-9]:[0-5][0-9])$/;
const durationPattern = /^([0-9]{1,2}:[0-9]{2})$|^([0-9]{1,2}:[0-9]{2}:[0-9]{1,2})$/;
const uuid = /^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;
const positiveInteger = /^[1-9]\d*$/;
const httpUri = /^https?:\/\/.*/;
/** XML 1.0's Char production (2.2): what a document may hold at all. */
const xmlChars = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** The instant an xs:dateTime with an offset names. */
const instant = (value: string) => Date.parse(value);
/** Minutes of "HH:MM" or "HH:MM:SS". */
const minutesOf = (value: string) => {
	const [h, m, s = '0'] = value.split(':').map(String);
	return Number(h) * 60 + Number(m) + Number(s) / 60;
};

/** Every rule of the schema the document must meet, whatever it holds. */
function expectValidSchedule(root: Node) {
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
	expect(conference.time_zone_name).toBe('Europe/Berlin');

	expect(days(root).length).toBeGreaterThanOrEqual(1);
	days(root).forEach((day, i) => {
		expect(Object.keys(day).filter((key) => !key.startsWith('@') && key !== 'room')).toEqual([]);
		expect(day['@index']).toBe(String(i + 1));
		expect(day['@date']).toMatch(xsDate);
		expect(day['@start']).toMatch(dateTimeTZ);
		expect(day['@end']).toMatch(dateTimeTZ);
		// A day runs from its local midnight to the next one: 23, 24 or 25 hours.
		expect((day['@start'] as string).slice(0, 19)).toBe(`${day['@date']}T00:00:00`);
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
				// start is the local wall clock of date, and the event is listed on its local date.
				expect(event.date.slice(11, 16)).toBe(event.start);
				expect(event.date.slice(0, 10)).toBe(day['@date']);
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

async function scheduleJson(headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}/schedule.json`, { headers });
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
	return { response, json: (await response.json()) as JsonDocument };
}

interface JsonEvent {
	[key: string]: unknown;
	id: number;
	guid: string;
	date: string;
	start: string;
	duration: string;
	room: string;
	title: string;
}
interface JsonDay {
	index: number;
	date: string;
	day_start: string;
	day_end: string;
	rooms: Record<string, JsonEvent[]>;
}
interface JsonDocument {
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

const keysOnly = (object: object, allowed: string[]) =>
	Object.keys(object).filter((key) => !allowed.includes(key));

/** The c3voc JSON schema's rules: required properties, their types, no others where it says so. */
function expectValidJson(document: JsonDocument) {
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

const jsonEvents = (document: JsonDocument) =>
	document.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flat());

it('an empty schedule is a valid document: one day, today, with no rooms', async () => {
	expect((await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' })).status).toBe(
		200
	);
	const { response, schedule: root } = await schedule();
	expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
	expectValidSchedule(root);
	expect(days(root)).toHaveLength(1);
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
	expect(days(root)[0]['@date']).toBe(today);
	expect(events(root)).toEqual([]);
	const { json } = await scheduleJson();
	expectValidJson(json);
	expect(json.schedule.conference.days.map((day) => day.date)).toEqual([today]);
	expect(jsonEvents(json)).toEqual([]);
});

describe('GET /schedule.xml with a schedule', () => {
	const name = `Harbour "Fest" & <Friends> 🎉`;
	const awkwardTitle = `Rock & <Roll> "loud" 'n' 🎸👩‍💻`;
	const description = 'First line\nSecond < line & "more"\n\tIndented 🎉';
	let stage: { id: string; name: string };
	let hall: { id: string; name: string };
	let concert: ApiEntry;
	let late: ApiEntry;
	let beforeChange: ApiEntry;
	let afterChange: ApiEntry;
	let loose: ApiEntry;
	// 2026-07-04 18:30 in Berlin (CEST, +02:00).
	const concertStart = Date.UTC(2026, 6, 4, 16, 30);

	beforeAll(async () => {
		expect((await admin.json('/api/settings', 'PATCH', { name })).status).toBe(200);
		stage = await post('/api/locations', { name: `Stage "A" & <B>` });
		hall = await post('/api/locations', { name: 'Hall 2' });
		concert = await post('/api/entries', {
			title: awkwardTitle,
			// U+FFFF is valid Unicode that the API accepts, and XML 1.0 cannot carry.
			description: `${description}\uFFFF`,
			locationId: stage.id,
			start: concertStart,
			end: concertStart + 90 * minute,
			visibility: 'public'
		});
		// 23:00 to 01:00 local: listed on the day it began.
		late = await post('/api/entries', {
			title: 'Late show',
			locationId: hall.id,
			start: Date.UTC(2026, 6, 4, 21),
			end: Date.UTC(2026, 6, 4, 23),
			visibility: 'public'
		});
		// 2026-10-25: Berlin's clocks go back from 03:00 CEST to 02:00 CET (01:00 UTC), so 02:30
		// happens twice: once at +02:00, once at +01:00.
		beforeChange = await post('/api/entries', {
			title: 'First 02:30',
			locationId: hall.id,
			start: Date.UTC(2026, 9, 25, 0, 30),
			end: Date.UTC(2026, 9, 25, 0, 50),
			visibility: 'public'
		});
		afterChange = await post('/api/entries', {
			title: 'Second 02:30',
			locationId: hall.id,
			start: Date.UTC(2026, 9, 25, 1, 30),
			end: Date.UTC(2026, 9, 25, 3, 45, 30),
			visibility: 'public'
		});
		loose = await post('/api/entries', {
			title: 'Meet at the gate',
			start: Date.UTC(2026, 6, 5, 8),
			end: Date.UTC(2026, 6, 5, 9),
			visibility: 'public'
		});
		await post('/api/entries', {
			title: 'Crew dinner',
			crewNotes: 'CREW-NOTE-KEY in the back room',
			locationId: stage.id,
			start: concertStart,
			end: concertStart + hour,
			visibility: 'crew'
		});
		await post('/api/entries', {
			title: 'Unannounced guest',
			crewNotes: 'DRAFT-NOTE-KEY',
			locationId: stage.id,
			start: Date.UTC(2026, 6, 6, 12),
			end: Date.UTC(2026, 6, 6, 13)
		});
		// A mark makes a count that crew see; the public file never holds it.
		expect(
			(await admin.fetch(`/api/auth/account/interests/${concert.id}`, { method: 'PUT' })).status
		).toBe(200);
	});

	it('meets the schema: every required element and attribute, with its type and unit', async () => {
		const { text, schedule: root } = await schedule();
		expect(text).toMatch(xmlChars);
		expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<schedule>')).toBe(true);
		expectValidSchedule(root);
		const conference = root.conference as Record<string, string>;
		expect(conference.title).toBe(name);
		expect(conference.acronym).toBe('harbour_fest_friends');
		// From the first public entry's day to the last's, with the days between.
		expect(conference.start).toBe('2026-07-04');
		expect(conference.end).toBe('2026-10-25');
		expect(conference.days).toBe(String(114));
		expect(conference.base_url).toBe(`${server.url}/`);
	});

	it('holds the public entries only: no crew or draft entries, crew notes or counts', async () => {
		const { text, schedule: root } = await schedule();
		// Day by day, rooms in the order of the locations list (by name), entries by time.
		expect(events(root).map((event) => event.title)).toEqual([
			'Late show',
			awkwardTitle,
			'Meet at the gate',
			'First 02:30',
			'Second 02:30'
		]);
		for (const hidden of ['Crew dinner', 'Unannounced guest', 'NOTE-KEY', 'interest', 'crew']) {
			expect(text).not.toContain(hidden);
		}
		// The draft's day (6 July) is still a day of the gathering, but has no rooms.
		const sixth = days(root).find((day) => day['@date'] === '2026-07-06')!;
		expect(rooms(sixth)).toEqual([]);
	});

	it('gives each entry its local date, start, duration, room and page', async () => {
		const { schedule: root } = await schedule();
		const byTitle = new Map(events(root).map((event) => [event.title, event]));
		const first = byTitle.get(awkwardTitle)!;
		expect(first.date).toBe('2026-07-04T18:30:00+02:00');
		expect(instant(first.date)).toBe(concert.start);
		expect(first.start).toBe('18:30');
		expect(first.duration).toBe('01:30');
		expect(first.room).toBe(stage.name);
		expect(first.url).toBe(`${server.url}/entries/${concert.id}`);
		const lateShow = byTitle.get('Late show')!;
		expect(lateShow.date).toBe('2026-07-04T23:00:00+02:00');
		expect(lateShow.duration).toBe('02:00');
		expect(instant(lateShow.date)).toBe(late.start);
		// An entry without a location is in a room of its own.
		const gate = byTitle.get('Meet at the gate')!;
		expect(gate.room).toBe('No location');
		expect(instant(gate.date)).toBe(loose.start);
		const fourth = days(root)[0];
		expect(fourth['@date']).toBe('2026-07-04');
		expect(rooms(fourth).map((room) => room['@name'])).toEqual([hall.name, stage.name]);
		for (const event of events(root)) expect(minutesOf(event.duration)).toBeGreaterThan(0);
	});

	it('the night the clocks go back: the same 02:30 twice, told apart by the offset; a 25-hour day', async () => {
		const { schedule: root } = await schedule();
		const day = days(root).find((d) => d['@date'] === '2026-10-25')!;
		expect(day['@start']).toBe('2026-10-25T00:00:00+02:00');
		expect(day['@end']).toBe('2026-10-26T00:00:00+01:00');
		const [first, second] = (rooms(day)[0].event ?? []) as Event[];
		expect([first.start, second.start]).toEqual(['02:30', '02:30']);
		expect(first.date).toBe('2026-10-25T02:30:00+02:00');
		expect(second.date).toBe('2026-10-25T02:30:00+01:00');
		expect(instant(first.date)).toBe(beforeChange.start);
		expect(instant(second.date)).toBe(afterChange.start);
		// Durations count real time, not wall-clock time, with the seconds that remain.
		expect(first.duration).toBe('00:20');
		expect(second.duration).toBe('02:15:30');
		// The day index counts every day from the first.
		expect(day['@index']).toBe(String(114));
	});

	it('escapes markup and quotes, keeps emoji and line breaks, and drops what XML cannot carry', async () => {
		const { text, schedule: root } = await schedule();
		const event = events(root).find((e) => e.title === awkwardTitle)!;
		expect(event.description).toBe(description);
		expect(event.room).toBe(stage.name);
		expect(rooms(days(root)[0]).map((room) => room['@name'])).toContain(stage.name);
		expect(text).toContain('Rock &amp; &lt;Roll&gt; "loud"');
		expect(text).toContain('name="Stage &quot;A&quot; &amp; &lt;B&gt;"');
		expect(text).not.toContain('\uFFFF');
		expect(text).toContain('👩‍💻');
	});

	it('keeps each entry`s id, guid and slug when it changes, and they differ between entries', async () => {
		const before = events((await schedule()).schedule).find((e) => e.title === 'Late show')!;
		const response = await admin.json(`/api/entries/${late.id}`, 'PATCH', {
			title: 'Later show',
			start: late.start + hour,
			end: late.end + hour
		});
		expect(response.status).toBe(200);
		const after = events((await schedule()).schedule).find((e) => e.title === 'Later show')!;
		expect(after['@id']).toBe(before['@id']);
		expect(after['@guid']).toBe(before['@guid']);
		expect(after.slug).toMatch(new RegExp(`-${before['@id']}-later-show$`));
		expect(after.date).toBe('2026-07-05T00:00:00+02:00');
	});

	it('schedule.json meets the c3voc JSON schema and holds the same schedule as the XML', async () => {
		const { json } = await scheduleJson();
		expectValidJson(json);
		const root = (await schedule()).schedule;
		const xml = root.conference as Record<string, string>;
		const conference = json.schedule.conference;
		expect(json.schedule.version).toBe(root.version);
		expect(json.schedule.base_url).toBe(xml.base_url);
		expect([conference.title, conference.acronym, conference.start, conference.end]).toEqual([
			xml.title,
			xml.acronym,
			xml.start,
			xml.end
		]);
		expect(conference.time_zone_name).toBe('Europe/Berlin');
		expect(conference.daysCount).toBe(Number(xml.days));
		expect(conference.days.map((day) => [day.index, day.date, day.day_start, day.day_end])).toEqual(
			days(root).map((day) => [Number(day['@index']), day['@date'], day['@start'], day['@end']])
		);
		const fromXml = events(root).map((event) => ({
			id: Number(event['@id']),
			guid: event['@guid'],
			date: event.date,
			start: event.start,
			room: event.room,
			slug: event.slug,
			url: event.url,
			title: event.title,
			description: event.description
		}));
		expect(
			jsonEvents(json).map(({ id, guid, date, start, room, slug, url, title, description }) => ({
				id,
				guid,
				date,
				start,
				room,
				slug,
				url,
				title,
				description
			}))
		).toEqual(fromXml);
		// Public entries only; text as entered (U+FFFF left out as in the XML); durations in
		// whole minutes, as the JSON schema's HH:MM allows.
		const byTitle = new Map(jsonEvents(json).map((event) => [event.title, event]));
		expect(byTitle.has('Crew dinner') || byTitle.has('Unannounced guest')).toBe(false);
		expect(JSON.stringify(json)).not.toMatch(/NOTE-KEY|interest|crewNotes/);
		expect(byTitle.get(awkwardTitle)!.description).toBe(description);
		expect(byTitle.get('Second 02:30')!.duration).toBe('02:16');
		expect(byTitle.get('Second 02:30')!.date).toBe('2026-10-25T02:30:00+01:00');
		expect(conference.rooms.map((room) => room.name)).toEqual([
			hall.name,
			stage.name,
			'No location'
		]);
	});

	it('answers 304 to If-None-Match and If-Modified-Since while nothing changed, 200 once something did', async () => {
		const { response } = await schedule();
		const etag = response.headers.get('etag')!;
		const lastModified = response.headers.get('last-modified')!;
		expect(etag).toMatch(/^"[^"]+"$/);
		expect(response.headers.get('cache-control')).toBe('no-cache');
		expect(new Date(lastModified).getTime()).not.toBeNaN();
		const get = (headers: Record<string, string>) =>
			fetch(`${server.url}/schedule.xml`, { headers });
		const json = (await scheduleJson()).response;
		const jsonTag = json.headers.get('etag')!;
		expect(jsonTag).not.toBe(etag);
		const getJson = (headers: Record<string, string>) =>
			fetch(`${server.url}/schedule.json`, { headers });
		expect((await getJson({ 'if-none-match': jsonTag })).status).toBe(304);
		expect((await getJson({ 'if-modified-since': lastModified })).status).toBe(304);
		const unchanged = await get({ 'if-none-match': etag });
		expect(unchanged.status).toBe(304);
		expect(unchanged.headers.get('etag')).toBe(etag);
		expect(await unchanged.text()).toBe('');
		expect((await get({ 'if-modified-since': lastModified })).status).toBe(304);
		// A list of tags, weak ones and "*" are our code's (SvelteKit answers only one exact tag).
		expect((await get({ 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
		expect((await get({ 'if-none-match': '*' })).status).toBe(304);
		expect(
			(await get({ 'if-none-match': '"other"', 'if-modified-since': lastModified })).status
		).toBe(200);
		await new Promise((r) => setTimeout(r, 1100));
		// Hiding an entry changes the file though no public entry's own time moved.
		await admin.json(`/api/entries/${concert.id}`, 'PATCH', { visibility: 'crew' });
		const changed = await get({ 'if-none-match': etag });
		expect(changed.status).toBe(200);
		expect(changed.headers.get('etag')).not.toBe(etag);
		expect(await changed.text()).not.toContain('Rock &amp;');
		expect((await get({ 'if-modified-since': lastModified })).status).toBe(200);
		expect((await getJson({ 'if-none-match': jsonTag })).status).toBe(200);
	});
});
