import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import {
	days,
	expectValidJson,
	expectValidSchedule,
	parser,
	rooms,
	type JsonDocument,
	type Node
} from '../helpers/frab-schema';
import { serverForSuite } from '../helpers/server';

/*
 * A gathering's night does not end at midnight: with "a day starts at 04:00" a concert at 01:00
 * is listed with the evening before, on the day pages, on /my and in the frab exports, whose <day> runs
 * from 04:00 to 04:00. Set by PATCH /api/settings and by the admin's settings form.
 */

const server = serverForSuite();
const hour = 3_600_000;
let admin: Client;

// 10 July 2026 in Berlin is summer time (+02:00).
const berlin = (day: number, h: number) => Date.UTC(2026, 6, day, h - 2);
const schedule = [
	{ title: 'Evening concert', start: berlin(10, 20) },
	{ title: 'Night concert', start: berlin(11, 1) },
	{ title: 'Breakfast talk', start: berlin(11, 10) }
];

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
	const zone = await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' });
	expect(zone.status).toBe(200);
	for (const { title, start } of schedule) {
		const created = await admin.json('/api/entries', 'POST', {
			title,
			start,
			end: start + hour,
			visibility: 'public'
		});
		expect(created.status).toBe(201);
	}
});

async function setDayStart(dayStartsAt: string) {
	const response = await admin.json('/api/settings', 'PATCH', { dayStartsAt });
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json();
}

/** The titles under each day heading of a page served without JavaScript. */
async function daysOnPage(path: string, client?: Client): Promise<Record<string, string[]>> {
	const html = client
		? await (await client.fetch(path, { headers: { accept: 'text/html' } })).text()
		: await (await fetch(server.url + path)).text();
	const grouped: Record<string, string[]> = {};
	const sections = html
		.split(/(?=<(?:section|details)[^>]*data-testid="(?:day|plan-day)")/)
		.slice(1);
	for (const section of sections) {
		const date = /data-date="([^"]+)"/.exec(section)?.[1] ?? /id="day-([0-9-]+)"/.exec(section)![1];
		grouped[date] = schedule.map((e) => e.title).filter((title) => section.includes(`>${title}<`));
	}
	return grouped;
}

/** The schedule's two days, each from its own page (`/` shows one day). */
async function scheduleDays(): Promise<Record<string, string[]>> {
	return {
		...(await daysOnPage('/days/2026-07-10')),
		...(await daysOnPage('/days/2026-07-11'))
	};
}

/** The entries of a page that name their own weekday, by title. */
async function weekdays(path: string, client?: Client): Promise<Record<string, string>> {
	const html = client
		? await (await client.fetch(path, { headers: { accept: 'text/html' } })).text()
		: await (await fetch(server.url + path)).text();
	const named: Record<string, string> = {};
	for (const item of html.split('<li').slice(1)) {
		const day = /data-testid="entry-day"[^>]*>([^<]*)</.exec(item)?.[1];
		const title = schedule.find((entry) => item.includes(`>${entry.title}<`))?.title;
		if (day && title) named[title] = day;
	}
	return named;
}

describe('the day start setting', () => {
	it('is part of the settings, 00:00 on an instance that never set it', async () => {
		const settings = await (await fetch(`${server.url}/api/settings`)).json();
		expect(settings.dayStartsAt).toBe('00:00');
	});

	it('takes HH:MM from 00:00 to 12:00 and refuses anything else, changing nothing', async () => {
		for (const bad of ['12:30', '25:00', '4am', '', 240]) {
			const response = await admin.json('/api/settings', 'PATCH', { dayStartsAt: bad });
			expect(response.status, String(bad)).toBe(400);
			expect((await response.json()).message).toMatch(/dayStartsAt/);
		}
		expect((await (await fetch(`${server.url}/api/settings`)).json()).dayStartsAt).toBe('00:00');
		const regular = new Client(server.url);
		expect((await regular.register('Visitor')).status).toBe(201);
		expect((await regular.json('/api/settings', 'PATCH', { dayStartsAt: '04:00' })).status).toBe(
			403
		);
	});
});

/** The days of both frab files once days start at 04:00 in Berlin: the concerts on the 10th. */
const daysFromFour = [
	{
		date: '2026-07-10',
		start: '2026-07-10T04:00:00+02:00',
		end: '2026-07-11T04:00:00+02:00',
		titles: ['Evening concert', 'Night concert']
	},
	{
		date: '2026-07-11',
		start: '2026-07-11T04:00:00+02:00',
		end: '2026-07-12T04:00:00+02:00',
		titles: ['Breakfast talk']
	}
];

describe('a concert at 01:00 belongs to the evening before', () => {
	it('on / once the day starts at 04:00, and on the next date while it starts at midnight', async () => {
		await setDayStart('00:00');
		expect(await scheduleDays()).toEqual({
			'2026-07-10': ['Evening concert'],
			'2026-07-11': ['Night concert', 'Breakfast talk']
		});
		expect(await setDayStart('04:00')).toMatchObject({ dayStartsAt: '04:00' });
		expect(await scheduleDays()).toEqual({
			'2026-07-10': ['Evening concert', 'Night concert'],
			'2026-07-11': ['Breakfast talk']
		});
		// Under Friday's heading the night concert says it is on Saturday; nothing else does.
		expect(await weekdays('/days/2026-07-10')).toEqual({ 'Night concert': 'Sat' });
		// The gathering is over: `/` opens on its last day.
		expect(Object.keys(await daysOnPage('/'))).toEqual(['2026-07-11']);
	});

	it('in a user’s plan on /my', async () => {
		await setDayStart('04:00');
		const entries = (await (await fetch(`${server.url}/api/entries`)).json()) as {
			id: string;
		}[];
		for (const { id } of entries) {
			expect(
				(await admin.fetch(`/api/auth/account/interests/${id}`, { method: 'PUT' })).status
			).toBe(200);
		}
		expect(await daysOnPage('/my', admin)).toEqual({
			'2026-07-10': ['Evening concert', 'Night concert'],
			'2026-07-11': ['Breakfast talk']
		});
		expect(await weekdays('/my', admin)).toEqual({ 'Night concert': 'Sat' });
	});

	it('in the frab XML: each <day> runs from 04:00 to 04:00 with offsets, holding its night', async () => {
		await setDayStart('04:00');
		const text = await (await fetch(`${server.url}/schedule.xml`)).text();
		const root = (parser.parse(text) as { schedule: Node }).schedule;
		expectValidSchedule(root, 'Europe/Berlin', '04:00');
		const found = days(root).map((day) => ({
			date: day['@date'],
			start: day['@start'],
			end: day['@end'],
			titles: rooms(day).flatMap((room) =>
				(Array.isArray(room.event) ? room.event : [room.event]).map((event: Node) => event.title)
			)
		}));
		expect(found).toEqual(daysFromFour);
		// expectValidSchedule checked that every event lies within its day.
	});

	it('in the frab JSON, the same days', async () => {
		await setDayStart('04:00');
		const json = (await (await fetch(`${server.url}/schedule.json`)).json()) as JsonDocument;
		expectValidJson(json);
		expect(
			json.schedule.conference.days.map((day) => ({
				date: day.date,
				start: day.day_start,
				end: day.day_end,
				titles: Object.values(day.rooms)
					.flat()
					.map((event) => event.title)
			}))
		).toEqual(daysFromFour);
	});

	it('set from the admin settings form without JavaScript, which refuses a bad hour', async () => {
		const form = (dayStartsAt: string) =>
			admin.form('/admin?/settings', {
				name: 'Night Fest',
				timeZone: 'Europe/Berlin',
				registration: 'open',
				dayStartsAt
			});
		const refused = await form('13:00');
		expect(refused.status).toBe(400);
		expect(await refused.text()).toMatch(/dayStartsAt must be a time from 00:00 to 12:00/);
		expect((await (await fetch(`${server.url}/api/settings`)).json()).dayStartsAt).toBe('04:00');
		expect((await form('03:00')).status).toBe(200);
		expect((await (await fetch(`${server.url}/api/settings`)).json()).dayStartsAt).toBe('03:00');
		const page = await (await admin.fetch('/admin', { headers: { accept: 'text/html' } })).text();
		expect(page).toMatch(
			/name="dayStartsAt"[^>]*value="03:00"|value="03:00"[^>]*name="dayStartsAt"/
		);
		// 01:00 is still before 03:00.
		expect((await scheduleDays())['2026-07-10']).toEqual(['Evening concert', 'Night concert']);
	});
});
