import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry } from '../../src/lib/api';
import { jsonSchemaErrors, xsdErrors } from '../helpers/c3voc-schemas';
import { Client, dated } from '../helpers/client';
import {
	days,
	events,
	expectValidJson,
	expectValidSchedule,
	instant,
	jsonEvents,
	minutesOf,
	parser,
	rooms,
	xmlChars,
	type Event,
	type JsonDocument,
	type Node
} from '../helpers/frab-schema';
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
	await admin.setUp();
});
afterAll(() => server?.close());

const minute = 60_000;
const hour = 60 * minute;

async function post(path: string, body: unknown) {
	const response = await admin.json(path, 'POST', body);
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

async function schedule(headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}/schedule.xml`, { headers });
	expect(response.status).toBe(200);
	const text = await response.text();
	expect(XMLValidator.validate(text)).toBe(true);
	expect(await xsdErrors(text), 'the c3voc XSD').toEqual([]);
	const document = parser.parse(text) as { schedule: Node };
	return { response, text, schedule: document.schedule };
}

async function scheduleJson(headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}/schedule.json`, { headers });
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
	const json = (await response.json()) as JsonDocument;
	expect(jsonSchemaErrors(json), 'the c3voc JSON schema').toEqual([]);
	return { response, json };
}

it('an empty schedule is a valid document: one day, today, with no rooms', async () => {
	expect((await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' })).status).toBe(
		200
	);
	const { response, schedule: root } = await schedule();
	expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
	expectValidSchedule(root, 'Europe/Berlin');
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
			description,
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
			end: Date.UTC(2026, 9, 25, 3, 45),
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
		expectValidSchedule(root, 'Europe/Berlin');
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
		// Durations count real time, not wall-clock time.
		expect(first.duration).toBe('00:20');
		expect(second.duration).toBe('02:15');
		// The day index counts every day from the first.
		expect(day['@index']).toBe(String(114));
	});

	it('escapes markup and quotes, keeps emoji and line breaks; what XML cannot carry never gets in', async () => {
		const { text, schedule: root } = await schedule();
		const event = events(root).find((e) => e.title === awkwardTitle)!;
		expect(event.description).toBe(description);
		expect(event.room).toBe(stage.name);
		expect(rooms(days(root)[0]).map((room) => room['@name'])).toContain(stage.name);
		expect(text).toContain('Rock &amp; &lt;Roll&gt; "loud"');
		expect(text).toContain('name="Stage &quot;A&quot; &amp; &lt;B&gt;"');
		expect(text).toContain('👩‍💻');
		// What XML 1.0 cannot carry never gets in: the API refuses noncharacters such as U+FFFF
		// (the export's own filter for them is unit-tested).
		const refused = await admin.json('/api/entries', 'POST', {
			title: 'Not text',
			description: `${description}\uFFFF`,
			start: concertStart,
			end: concertStart + minute,
			visibility: 'public'
		});
		expect(refused.status).toBe(400);
		expect(await refused.json()).toEqual({ message: 'description must be valid text' });
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
		// Public entries only; text as entered; the same durations.
		const byTitle = new Map(jsonEvents(json).map((event) => [event.title, event]));
		expect(byTitle.has('Crew dinner') || byTitle.has('Unannounced guest')).toBe(false);
		expect(JSON.stringify(json)).not.toMatch(/NOTE-KEY|interest|crewNotes/);
		expect(byTitle.get(awkwardTitle)!.description).toBe(description);
		expect(byTitle.get('Second 02:30')!.duration).toBe('02:15');
		expect(byTitle.get('Second 02:30')!.end).toBe('2026-10-25T04:45:00+01:00');
		expect(byTitle.get('Second 02:30')!.date).toBe('2026-10-25T02:30:00+01:00');
		expect(conference.rooms.map((room) => room.name)).toEqual([
			hall.name,
			stage.name,
			'No location'
		]);
	});

	it('a change the public cannot see leaves both files as they were: the same version and validators', async () => {
		const before = await dated(async () => (await schedule()).response);
		const etag = before.headers.get('etag')!;
		const version = (await schedule()).schedule.version;
		const jsonBefore = await dated(async () => (await scheduleJson()).response);
		const jsonTag = jsonBefore.headers.get('etag')!;
		// The version is dated to the second: a change in a later second would show in it.
		const second = Math.floor(Date.now() / 1000);
		while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 20));

		const draft: ApiEntry = await post('/api/entries', {
			title: 'Secret plan',
			start: concertStart,
			end: concertStart + hour
		});
		const crew: ApiEntry = await post('/api/entries', {
			title: 'Load-in',
			start: concertStart,
			end: concertStart + hour,
			visibility: 'crew'
		});
		expect(
			(await admin.json(`/api/entries/${crew.id}`, 'PATCH', { title: 'Load-out' })).status
		).toBe(200);
		expect((await admin.json(`/api/entries/${draft.id}`, 'DELETE')).status).toBe(204);

		expect(
			(await fetch(`${server.url}/schedule.xml`, { headers: { 'if-none-match': etag } })).status
		).toBe(304);
		expect((await schedule()).schedule.version).toBe(version);
		const json = await fetch(`${server.url}/schedule.json`, {
			headers: { 'if-none-match': jsonTag }
		});
		expect(json.status).toBe(304);
	});

	it('answers 304 to If-None-Match and If-Modified-Since while nothing changed, 200 once something did', async () => {
		const response = await dated(async () => (await schedule()).response);
		// Weak, since fetch asks for gzip and the answer came compressed.
		const etag = response.headers.get('etag')!;
		const strong = etag.replace(/^W\//, '');
		const lastModified = response.headers.get('last-modified')!;
		expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
		expect(response.headers.get('cache-control')).toBe('no-cache');
		expect(new Date(lastModified).getTime()).not.toBeNaN();
		const get = (headers: Record<string, string>) =>
			fetch(`${server.url}/schedule.xml`, { headers });
		const json = await dated(async () => (await scheduleJson()).response);
		const jsonTag = json.headers.get('etag')!;
		expect(jsonTag).not.toBe(etag);
		const getJson = (headers: Record<string, string>) =>
			fetch(`${server.url}/schedule.json`, { headers });
		expect((await getJson({ 'if-none-match': jsonTag })).status).toBe(304);
		// Each file has its own date: the JSON may be built a second after the XML.
		const jsonDate = json.headers.get('last-modified')!;
		expect((await getJson({ 'if-modified-since': jsonDate })).status).toBe(304);
		const unchanged = await get({ 'if-none-match': etag });
		expect(unchanged.status).toBe(304);
		expect(unchanged.headers.get('etag')).toBe(etag);
		expect(await unchanged.text()).toBe('');
		expect((await get({ 'if-modified-since': lastModified })).status).toBe(304);
		// A list of tags, weak ones and "*" are our code's (SvelteKit answers only one exact tag).
		expect((await get({ 'if-none-match': `"other", W/${strong}` })).status).toBe(304);
		expect((await get({ 'if-none-match': `"other", ${strong}` })).status).toBe(304);
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

describe('what schedule apps can read', () => {
	const entry = (fields: Record<string, unknown>) => admin.json('/api/entries', 'POST', fields);

	it('refuses entry times with seconds, which apps read to the minute', async () => {
		const start = Date.UTC(2026, 7, 1, 10);
		for (const times of [
			{ start: start + 30_000, end: start + hour },
			{ start, end: start + 90_000 }
		]) {
			const response = await entry({ title: 'Odd', ...times, visibility: 'public' });
			expect(response.status).toBe(400);
			expect((await response.json()).message).toMatch(/whole minute/);
		}
		const fine = await post('/api/entries', { title: 'Even', start, end: start + hour });
		const patch = await admin.json(`/api/entries/${fine.id}`, 'PATCH', { end: start + 61_000 });
		expect(patch.status).toBe(400);
	});

	it('an entry of three days is kept, and the files write a duration every app reads', async () => {
		const start = Date.UTC(2026, 7, 10, 8);
		const camping = await post('/api/entries', {
			title: 'Camping area open',
			start,
			end: start + 72 * hour,
			visibility: 'public'
		});
		expect(camping.end - camping.start).toBe(72 * hour);
		const xml = events((await schedule()).schedule).find((e) => e.title === 'Camping area open')!;
		expect(xml.duration).toBe('23:59');
		const json = jsonEvents((await scheduleJson()).json).find(
			(e) => e.title === 'Camping area open'
		)!;
		expect(json.duration).toBe('23:59');
		// The JSON's end carries the real end, for readers that take it.
		expect(instant(json.end as string)).toBe(start + 72 * hour);
	});

	it('stores a zone under its current name, and refuses zones the apps cannot read', async () => {
		for (const zone of ['Etc/GMT-14', 'Etc/GMT+5']) {
			const response = await admin.json('/api/settings', 'PATCH', { timeZone: zone });
			expect(response.status, zone).toBe(400);
			expect((await response.json()).message).toMatch(/region and a city/);
		}
		for (const [given, stored] of [
			['Asia/Katmandu', 'Asia/Kathmandu'],
			['asia/kathmandu', 'Asia/Kathmandu'],
			['Europe/Kiev', 'Europe/Kyiv'],
			['Etc/UTC', 'UTC'],
			['Pacific/Kiritimati', 'Pacific/Kiritimati']
		]) {
			const response = await admin.json('/api/settings', 'PATCH', { timeZone: given });
			expect(response.status, given).toBe(200);
			expect((await response.json()).timeZone, given).toBe(stored);
		}
		expect((await admin.json('/api/settings', 'PATCH', { timeZone: 'Asia/Kolkata' })).status).toBe(
			200
		);
		const root = (await schedule()).schedule;
		expect((root.conference as Record<string, string>).time_zone_name).toBe('Asia/Kolkata');
		const { json } = await scheduleJson();
		expect(json.schedule.conference.time_zone_name).toBe('Asia/Kolkata');
		await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' });
	});

	it('refuses a location named like another, ignoring case, or like the room for none', async () => {
		const first = await post('/api/locations', { name: 'Workshop Tent' });
		for (const name of ['workshop tent', 'WORKSHOP TENT', ' Workshop Tent ']) {
			const response = await admin.json('/api/locations', 'POST', { name });
			expect(response.status, name).toBe(409);
			expect((await response.json()).message).toMatch(/exists already/);
		}
		for (const name of ['No location', 'no LOCATION']) {
			const response = await admin.json('/api/locations', 'POST', { name });
			expect(response.status, name).toBe(400);
			expect((await response.json()).message).toMatch(/kept for entries without a location/);
		}
		const second = await post('/api/locations', { name: 'Lounge' });
		const rename = await admin.json(`/api/locations/${second.id}`, 'PATCH', {
			name: 'workshop TENT'
		});
		expect(rename.status).toBe(409);
		// A location may change the case of its own name.
		const own = await admin.json(`/api/locations/${first.id}`, 'PATCH', { name: 'Workshop tent' });
		expect(own.status).toBe(200);
		// The admin page's form says the same, with the name entered kept.
		const form = await admin.form('/admin/locations?/save', {
			name: 'WORKSHOP TENT',
			description: ''
		});
		expect(form.status).toBe(409);
		expect(await form.text()).toContain('exists already');
	});
});
