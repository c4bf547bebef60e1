import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry } from '../../src/lib/api';
import { Client, dated } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * GET /schedule.ics (RFC 5545), read back with ical.js: the public entries only, stable UIDs,
 * SEQUENCE and LAST-MODIFIED that move with each change, escaped and folded text, and
 * conditional GET with ETag and Last-Modified.
 */

let server: TestServer;
let admin: Client;

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
});
afterAll(() => server?.close());

const hour = 3_600_000;
const start = Date.UTC(2026, 6, 3, 18);
const awkward = 'Commas, semicolons; backslash \\ and\nnew lines 🎉👩‍💻 ';
const longDescription = `${awkward}${'Ünïcödé text that goes on and on. '.repeat(40)}`.trim();

async function post(path: string, body: unknown) {
	const response = await admin.json(path, 'POST', body);
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

async function calendar() {
	const response = await fetch(`${server.url}/schedule.ics`);
	expect(response.status).toBe(200);
	const text = await response.text();
	return { response, text, vcalendar: new ICAL.Component(ICAL.parse(text)) };
}

const events = (vcalendar: ICAL.Component) =>
	vcalendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));

describe('GET /schedule.ics', () => {
	let published: ApiEntry;
	let hidden: ApiEntry;
	let stage: { id: string };

	beforeAll(async () => {
		stage = await post('/api/locations', { name: 'Stage; Main, North' });
		published = await post('/api/entries', {
			title: 'Concert, part 1; "loud" 🎸',
			description: longDescription,
			locationId: stage.id,
			start,
			end: start + 2 * hour,
			visibility: 'public'
		});
		hidden = await post('/api/entries', {
			title: 'Crew dinner',
			start,
			end: start + hour,
			visibility: 'crew'
		});
		await post('/api/entries', { title: 'Secret', start, end: start + hour });
	});

	it('is valid iCalendar: VERSION, PRODID, CRLF line ends, no line over 75 octets', async () => {
		const { response, text, vcalendar } = await calendar();
		expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
		expect(vcalendar.getFirstPropertyValue('version')).toBe('2.0');
		expect(vcalendar.getFirstPropertyValue('prodid')).toMatch(/Tidewatch/);
		expect(text.endsWith('\r\n')).toBe(true);
		const lines = text.split('\r\n').slice(0, -1);
		expect(lines.every((line) => !line.includes('\n') && !line.includes('\r'))).toBe(true);
		const longest = Math.max(...lines.map((line) => Buffer.byteLength(line)));
		expect(longest).toBeLessThanOrEqual(75);
		// The long description was folded, and no character was split by folding.
		expect(lines.some((line) => line.startsWith(' '))).toBe(true);
		expect(text).not.toContain('\uFFFD');
	});

	it('holds public entries only, each with a stable UID, UTC times and its text as entered', async () => {
		const { vcalendar } = await calendar();
		const [event, ...others] = events(vcalendar);
		expect(others).toEqual([]);
		expect(event.uid).toBe(`${published.id}@tidewatch`);
		expect(event.summary).toBe('Concert, part 1; "loud" 🎸');
		expect(event.description).toBe(longDescription);
		expect(event.location).toBe('Stage; Main, North');
		expect(event.startDate.toJSDate().getTime()).toBe(start);
		expect(event.endDate.toJSDate().getTime()).toBe(start + 2 * hour);
		expect(event.startDate.zone.tzid).toBe('UTC');
		const vevent = vcalendar.getFirstSubcomponent('vevent')!;
		expect(vevent.getFirstPropertyValue('sequence')).toBe(0);
		expect(vevent.getFirstPropertyValue('dtstamp')).toBeTruthy();
		expect(vevent.getFirstPropertyValue('last-modified')).toBeTruthy();
		void hidden;
	});

	it('an edit keeps the UID and raises SEQUENCE and LAST-MODIFIED', async () => {
		const before = (await calendar()).vcalendar.getFirstSubcomponent('vevent')!;
		await new Promise((r) => setTimeout(r, 1100));
		const response = await admin.json(`/api/entries/${published.id}`, 'PATCH', {
			end: start + 3 * hour
		});
		expect(response.status).toBe(200);
		const after = (await calendar()).vcalendar.getFirstSubcomponent('vevent')!;
		expect(after.getFirstPropertyValue('uid')).toBe(before.getFirstPropertyValue('uid'));
		expect(after.getFirstPropertyValue('sequence')).toBe(1);
		const modified = (c: ICAL.Component) =>
			(c.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime();
		expect(modified(after)).toBeGreaterThan(modified(before));
	});

	it('a crew note leaves SEQUENCE, LAST-MODIFIED and the validators as they were; the public sees no change', async () => {
		const before = await calendar();
		const etag = before.response.headers.get('etag')!;
		const vevent = before.vcalendar.getFirstSubcomponent('vevent')!;
		// LAST-MODIFIED is dated to the second: an edit in a later second would show in it.
		const second = Math.floor(Date.now() / 1000);
		while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 20));
		const notes = await admin.json(`/api/entries/${published.id}`, 'PATCH', {
			crewNotes: 'Spare microphone in the green box'
		});
		expect(notes.status).toBe(200);
		// The edit counts for the admins' version all the same.
		expect((await notes.json()).version).toBeGreaterThan(0);
		const unchanged = await fetch(`${server.url}/schedule.ics`, {
			headers: { 'if-none-match': etag }
		});
		expect(unchanged.status).toBe(304);
		const after = (await calendar()).vcalendar.getFirstSubcomponent('vevent')!;
		for (const name of ['sequence', 'last-modified', 'dtstamp'])
			expect(after.getFirstPropertyValue(name)?.toString(), name).toBe(
				vevent.getFirstPropertyValue(name)?.toString()
			);
	});

	it("a location's new name raises SEQUENCE and LAST-MODIFIED of the entries there: their LOCATION changed", async () => {
		const before = (await calendar()).vcalendar.getFirstSubcomponent('vevent')!;
		const second = Math.floor(Date.now() / 1000);
		while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 20));
		const renamed = await admin.json(`/api/locations/${stage.id}`, 'PATCH', {
			name: 'Stage; Main, South'
		});
		expect(renamed.status).toBe(200);
		const after = (await calendar()).vcalendar.getFirstSubcomponent('vevent')!;
		expect(after.getFirstPropertyValue('location')).toBe('Stage; Main, South');
		expect(after.getFirstPropertyValue('sequence')).toBe(
			Number(before.getFirstPropertyValue('sequence')) + 1
		);
		const modified = (c: ICAL.Component) =>
			(c.getFirstPropertyValue('last-modified') as ICAL.Time).toJSDate().getTime();
		expect(modified(after)).toBeGreaterThan(modified(before));
	});

	it('answers 304 to If-None-Match and If-Modified-Since while nothing changed, 200 once something did', async () => {
		const response = await dated(async () => (await calendar()).response);
		const etag = response.headers.get('etag')!;
		const lastModified = response.headers.get('last-modified')!;
		// Weak when it came compressed (fetch asks for gzip).
		expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
		expect(new Date(lastModified).getTime()).not.toBeNaN();
		const get = (headers: Record<string, string>) =>
			fetch(`${server.url}/schedule.ics`, { headers });
		expect((await get({ 'if-none-match': etag })).status).toBe(304);
		// SvelteKit itself answers one exact tag; a list is left to our own code.
		expect((await get({ 'if-none-match': `"other", ${etag}` })).status).toBe(304);
		expect((await get({ 'if-modified-since': lastModified })).status).toBe(304);
		expect(
			(await get({ 'if-none-match': '"other"', 'if-modified-since': lastModified })).status
		).toBe(200);
		await new Promise((r) => setTimeout(r, 1100));
		// Hiding an entry changes the feed though no public entry's own time moved.
		await admin.json(`/api/entries/${published.id}`, 'PATCH', { visibility: 'draft' });
		const changed = await get({ 'if-none-match': etag });
		expect(changed.status).toBe(200);
		expect(events(new ICAL.Component(ICAL.parse(await changed.text())))).toEqual([]);
		expect((await get({ 'if-modified-since': lastModified })).status).toBe(200);
	});

	it('renaming the gathering changes the feed and its validators: its name is in the calendar', async () => {
		const response = await dated(async () => (await calendar()).response);
		const etag = response.headers.get('etag')!;
		const lastModified = response.headers.get('last-modified')!;
		await new Promise((r) => setTimeout(r, 1100));
		expect((await admin.json('/api/settings', 'PATCH', { name: 'Harbour Fest' })).status).toBe(200);
		const after = await calendar();
		expect(after.vcalendar.getFirstPropertyValue('x-wr-calname')).toBe('Harbour Fest');
		expect(after.response.headers.get('etag')).not.toBe(etag);
		const since = await fetch(`${server.url}/schedule.ics`, {
			headers: { 'if-modified-since': lastModified }
		});
		expect(since.status).toBe(200);
	});
});
