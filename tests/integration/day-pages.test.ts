import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * The schedule shows one day at a time: `/` opens on today, or the next day with entries, or
 * (the gathering over) the last one; every day has its page at /days/YYYY-MM-DD. The pages
 * carry no description or crew notes, and marking without JavaScript costs about 120 bytes an
 * entry. Times are built around the real clock, in a zone where it is now late morning, so
 * "later today" exists whenever the suite runs.
 */

const server = serverForSuite();
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = Math.floor(Date.now() / minute) * minute;

// Zones without daylight saving, one for each hour of the day: the one where it is late morning.
const zones = [
	'Pacific/Pago_Pago',
	'Pacific/Honolulu',
	'Pacific/Gambier',
	'Pacific/Pitcairn',
	'America/Phoenix',
	'America/Guatemala',
	'America/Bogota',
	'America/Caracas',
	'America/Sao_Paulo',
	'Atlantic/South_Georgia',
	'Atlantic/Cape_Verde',
	'Africa/Abidjan',
	'Africa/Lagos',
	'Africa/Johannesburg',
	'Africa/Nairobi',
	'Asia/Dubai',
	'Asia/Karachi',
	'Asia/Dhaka',
	'Asia/Bangkok',
	'Asia/Singapore',
	'Asia/Tokyo',
	'Australia/Brisbane',
	'Pacific/Noumea',
	'Pacific/Tarawa'
];
const hourIn = (zone: string, ms: number) =>
	Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric' }).format(ms));
const timeZone = zones.find((zone) => hourIn(zone, now) >= 9 && hourIn(zone, now) <= 11)!;
const dateIn = (ms: number) =>
	new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(ms);
const today = dateIn(now);
/** A time `days` days from now, on the same wall-clock time (no daylight saving in the zone). */
const daysFromNow = (days: number) => now + days * day;

let admin: Client;
let visitor: Client;

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
	expect((await admin.json('/api/settings', 'PATCH', { timeZone })).status).toBe(200);
	visitor = new Client(server.url);
	expect((await visitor.register('Visitor')).status).toBe(201);
});

async function addEntry(fields: {
	title: string;
	start: number;
	end?: number;
	locationId?: string;
	description?: string;
	crewNotes?: string;
}): Promise<string> {
	const response = await admin.json('/api/entries', 'POST', {
		end: fields.start + hour,
		visibility: 'public',
		...fields
	});
	expect(response.status, await response.clone().text()).toBe(201);
	return ((await response.json()) as { id: string }).id;
}

async function html(path: string, client?: Client): Promise<string> {
	const response = client
		? await client.fetch(path, { headers: { accept: 'text/html' } })
		: await fetch(server.url + path);
	expect(response.status, path).toBe(200);
	return response.text();
}

const shownDay = (page: string) => /data-testid="day"[^>]*data-date="([^"]+)"/.exec(page)?.[1];
/** The day links: their dates, and the one marked as the page shown. */
function dayLinks(page: string) {
	const nav = /<nav[^>]*aria-label="Days of the gathering"[^>]*>([\s\S]*?)<\/nav>/.exec(page);
	expect(nav, 'the day links').not.toBeNull();
	const links = [...nav![1].matchAll(/<a ([^>]*)>/g)].map((link) => link[1]);
	return {
		dates: links.map((attributes) => /href="[^"]*days\/([0-9-]+)"/.exec(attributes)?.[1]),
		current: links
			.filter((attributes) => attributes.includes('aria-current="page"'))
			.map((attributes) => /days\/([0-9-]+)/.exec(attributes)?.[1])
	};
}
function listItems(page: string, testId: string): string[] {
	const list = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</ul>`).exec(page);
	return list ? list[1].split('<li').slice(1) : [];
}

const lastWeek = dateIn(daysFromNow(-3));
const past = dateIn(daysFromNow(-2));
const later = dateIn(daysFromNow(2));
// The all-night set begins late yesterday.
const yesterday = dateIn(daysFromNow(-1));

describe('the day / opens on', () => {
	it('is the last day when every day is over', async () => {
		await addEntry({ title: 'Long over', start: daysFromNow(-3) });
		await addEntry({
			title: 'Over talk',
			start: daysFromNow(-2),
			description: 'Secret description 4711',
			crewNotes: 'Crew note 4712'
		});
		const page = await html('/');
		expect(shownDay(page)).toBe(past);
		expect(page).toContain('>Over talk<');
		expect(page).not.toContain('>Long over<');
		expect(dayLinks(page)).toEqual({ dates: [lastWeek, past], current: [past] });
	});

	it('is the next day with entries when today has none', async () => {
		await addEntry({ title: 'Coming talk', start: daysFromNow(2) });
		const page = await html('/');
		expect(shownDay(page)).toBe(later);
		expect(page).not.toContain('data-testid="now"');
		expect(dayLinks(page)).toEqual({ dates: [lastWeek, past, later], current: [later] });
	});

	it('is today when it has entries; Next lists at most six, with a link to the rest of the day', async () => {
		for (let i = 0; i < 8; i++) {
			const location = await admin.json('/api/locations', 'POST', { name: `Stage ${i}` });
			const { id: locationId } = (await location.json()) as { id: string };
			await addEntry({
				title: `Later talk ${i}`,
				start: now + hour + i * 10 * minute,
				locationId,
				description: 'Secret description 4711',
				crewNotes: 'Crew note 4712'
			});
		}
		// Begun before today's start (midnight here), still running: on now, naming its weekday.
		const startOfToday = now - (hourIn(timeZone, now) * hour + (now % hour));
		expect(dateIn(startOfToday)).toBe(today);
		await addEntry({ title: 'All-night set', start: startOfToday - hour, end: now + hour });
		const page = await html('/');
		expect(shownDay(page)).toBe(today);
		const onNow = page.slice(page.indexOf('data-testid="now"'), page.indexOf('id="next-heading"'));
		expect(onNow).toMatch(/data-testid="entry-day"[^>]*>\w{3}<\/span>[\s\S]*?>All-night set</);
		const next = listItems(page, 'next');
		expect(next).toHaveLength(6);
		expect(next.map((item) => /Later talk \d/.exec(item)?.[0])).toEqual(
			[0, 1, 2, 3, 4, 5].map((i) => `Later talk ${i}`)
		);
		expect(page).toMatch(new RegExp(`data-testid="next-more"[^>]*>\\s*<a href="#day-${today}"`));
		// Under the day's heading every one of today's entries is listed, the night set not.
		const dayPart = page.slice(page.indexOf('data-testid="day"'));
		for (let i = 0; i < 8; i++) expect(dayPart).toContain(`>Later talk ${i}<`);
		expect(dayPart).not.toContain('>All-night set<');
		expect(dayLinks(page).current).toEqual([today]);
	});
});

describe('the day pages', () => {
	it('show their own day, with the same links, each marking itself', async () => {
		const page = await html(`/days/${lastWeek}`);
		expect(shownDay(page)).toBe(lastWeek);
		expect(page).toContain('>Long over<');
		expect(page).not.toContain('>Over talk<');
		expect(dayLinks(page)).toEqual({
			dates: [lastWeek, past, yesterday, today, later],
			current: [lastWeek]
		});
		// Only the day page of today says what is on now.
		expect(page).not.toContain('data-testid="now"');
		expect(await html(`/days/${today}`)).toContain('data-testid="now"');
	});

	it('are 404 for anything but a real date', async () => {
		expect((await fetch(`${server.url}/days/${today}`)).status).toBe(200);
		for (const bad of ['2026-02-30', 'tomorrow', '2026-1-01', '1999-12-31', '20260-01-01']) {
			const response = await fetch(`${server.url}/days/${bad}`);
			expect(response.status, bad).toBe(404);
		}
	});

	it('say plainly when a day has nothing, and still link the days', async () => {
		const empty = dateIn(daysFromNow(40));
		const page = await html(`/days/${empty}`);
		expect(page).toMatch(/data-testid="empty-day"[^>]*>Nothing is on the schedule on/);
		expect(dayLinks(page)).toEqual({
			dates: [lastWeek, past, yesterday, today, later],
			current: []
		});
	});

	it('keep the location filter and the order by location, in their links too', async () => {
		const locations = (await (await fetch(`${server.url}/api/locations`)).json()) as {
			id: string;
			name: string;
		}[];
		const stage = locations.find((location) => location.name === 'Stage 3')!;
		const page = await html(`/days/${today}?location=${stage.id}&by=location&junk=1`);
		const dayPart = page.slice(page.indexOf('data-testid="day"'));
		expect(dayPart).toContain('>Later talk 3<');
		expect(dayPart).not.toContain('>Later talk 2<');
		expect(dayPart).toMatch(/<h3[^>]*>Stage 3<\/h3>/);
		// Links carry location and by, never another parameter of the address.
		expect(page).toContain(`days/${later}?location=${stage.id}&amp;by=location"`);
		expect(page).not.toContain('junk');
	});
});

describe('what the pages carry', () => {
	it('no description nor crew notes, for the public or an admin', async () => {
		for (const path of ['/', `/days/${past}`]) {
			for (const client of [undefined, admin]) {
				const page = await html(path, client);
				expect(page).toMatch(/>(Over talk|Later talk 0)</);
				expect(page).not.toContain('Secret description 4711');
				expect(page).not.toContain('Crew note 4712');
			}
		}
	});

	it('an anonymous render sets no cookie, even with a welcome cookie left over', async () => {
		const response = await fetch(`${server.url}/`, {
			headers: { cookie: 'tidewatch-welcome=someone' }
		});
		expect(response.status).toBe(200);
		expect(response.headers.getSetCookie()).toEqual([]);
	});
});

describe('marking without JavaScript', () => {
	it('one form for the day: a button names its entry, and the answer comes back to it', async () => {
		const id = await addEntry({ title: 'Markable talk', start: daysFromNow(3) });
		const date = dateIn(daysFromNow(3));
		const before = await html(`/days/${date}`, visitor);
		expect(before.match(/<form method="POST" action="\?\/interest"/g)).toHaveLength(1);
		expect(before).toMatch(
			new RegExp(
				`<button name="mark" value="${id}" aria-pressed=false aria-describedby="entry-${id}"`
			)
		);
		const marked = await visitor.form(`/days/${date}?/interest`, { mark: id });
		expect(marked.status).toBe(303);
		expect(marked.headers.get('location')).toBe(`/days/${date}#entry-${id}`);
		const after = await html(`/days/${date}`, visitor);
		expect(after).toContain(`<button name="unmark" value="${id}" aria-pressed=true`);
		const marks = await visitor.fetch('/api/auth/account/interests');
		expect(((await marks.json()) as { entryIds: string[] }).entryIds).toEqual([id]);
		const unmarked = await visitor.form(`/?/interest`, { unmark: id });
		expect(unmarked.status).toBe(303);
		expect(unmarked.headers.get('location')).toBe(`/#entry-${id}`);
		expect(await html(`/days/${date}`, visitor)).toContain(`<button name="mark" value="${id}"`);
		// An entry that is not there changes nothing and says so.
		const refused = await visitor.form(`/days/${date}?/interest`, { mark: 'no-such-entry' });
		expect(refused.status).toBe(404);
	});

	it('costs at most about 120 bytes an entry over the public page', async () => {
		// Two days alike but for their number of entries: what the mark buttons add per entry.
		const many = dateIn(daysFromNow(5));
		const one = dateIn(daysFromNow(6));
		const count = 30;
		for (let i = 0; i < count; i++) {
			await addEntry({ title: `Budget talk ${String(i).padStart(2, '0')}`, start: daysFromNow(5) });
		}
		await addEntry({ title: 'Budget talk 99', start: daysFromNow(6) });
		const extra = async (date: string) =>
			Buffer.byteLength(await html(`/days/${date}`, visitor)) -
			Buffer.byteLength(await html(`/days/${date}`));
		const perEntry = ((await extra(many)) - (await extra(one))) / (count - 1);
		expect(perEntry).toBeGreaterThan(0);
		expect(perEntry).toBeLessThanOrEqual(120);
	});
});
