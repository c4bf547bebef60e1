import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * Finding one's way without JavaScript (issue 21, points 8 and 9): the day links and a search
 * first on the day page; a search that answers only what the viewer may see, bounded; a
 * timetable of locations by time as a view of its own; login back to the page asked for, and
 * nowhere else; plain words for an entry that is not shown; no Users link and no crew-only
 * location for the public; the admin's entries filtered, drafts marked; my shifts to come first,
 * clashes flagged.
 */

const server = serverForSuite();
const hour = 3_600_000;
const day1 = '2031-09-01';
const day2 = '2031-09-02';
const t0 = Date.UTC(2031, 8, 1, 10);

let admin: Client;
let crew: Client;
let crewId: string;
const ids: Record<string, string> = {};

async function addLocation(name: string): Promise<string> {
	const response = await admin.json('/api/locations', 'POST', { name });
	expect(response.status, await response.clone().text()).toBe(201);
	return ((await response.json()) as { id: string }).id;
}

async function addEntry(fields: Record<string, unknown>): Promise<string> {
	const response = await admin.json('/api/entries', 'POST', {
		start: t0,
		end: t0 + hour,
		visibility: 'public',
		...fields
	});
	expect(response.status, await response.clone().text()).toBe(201);
	return ((await response.json()) as { id: string }).id;
}

async function html(path: string, client?: Client) {
	const response = client
		? await client.fetch(path, { headers: { accept: 'text/html' } })
		: await fetch(server.url + path, { redirect: 'manual' });
	// The app writes relative links (`../entries/x`): read them as the paths they lead to.
	const text = (await response.text()).replace(/(href|action)="(\.\.?\/)+/g, '$1="/');
	return { status: response.status, location: response.headers.get('location'), text };
}

const results = (page: string) =>
	[...page.matchAll(/<li data-testid="search-result"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[1]);

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
	await admin.setUp();
	crew = new Client(server.url);
	crewId = (await (await crew.register('Stagehand')).json()).id;
	expect((await admin.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' })).status).toBe(200);

	const hall = await addLocation('Main hall');
	const crewTent = await addLocation('Crew tent');
	ids.walk = await addEntry({
		title: 'Harbour walk',
		description: 'Meet at the pier.',
		locationId: hall
	});
	ids.briefing = await addEntry({
		title: 'Pier crew briefing',
		visibility: 'crew',
		locationId: crewTent
	});
	ids.draft = await addEntry({
		title: 'Pier party (draft)',
		visibility: 'draft',
		start: t0 + hour,
		end: t0 + 2 * hour
	});
	ids.percent = await addEntry({
		title: '100% fun_run',
		start: t0 + 24 * hour,
		end: t0 + 25 * hour
	});
	for (let i = 0; i < 55; i++)
		await addEntry({
			title: `Bulk talk ${i}`,
			start: t0 + 24 * hour + i * 60_000,
			end: t0 + 26 * hour
		});
});

describe('search', () => {
	it('finds titles and descriptions among what the viewer may see, each result linking to its entry and its day', async () => {
		const forPublic = results((await html('/search?q=pier')).text);
		expect(forPublic).toHaveLength(1);
		expect(forPublic[0]).toContain('Harbour walk');
		expect(forPublic[0]).toContain(`href="/entries/${ids.walk}"`);
		expect(forPublic[0]).toContain(`href="/days/${day1}"`);

		const forCrew = results((await html('/search?q=PIER', crew)).text).join('');
		expect(forCrew).toContain('Pier crew briefing');
		expect(forCrew).toContain('crew only');
		expect(forCrew).not.toContain('Pier party');

		const forAdmin = results((await html('/search?q=pier', admin)).text).join('');
		expect(forAdmin).toContain('Pier party (draft)');
		expect(forAdmin).toMatch(/badge draft[^>]*>draft</);
	});

	it('takes % and _ as themselves, not as wildcards', async () => {
		for (const q of ['%25', '_', '0%25+f']) {
			const found = results((await html(`/search?q=${q}`)).text);
			expect(found, q).toHaveLength(1);
			expect(found[0]).toContain('100% fun_run');
			expect(found[0]).toContain(`href="/days/${day2}"`);
		}
	});

	it('is bounded: at most 50 results, and a text over 100 characters is refused in words', async () => {
		const many = (await html('/search?q=bulk+talk')).text;
		expect(results(many)).toHaveLength(50);
		expect(many).toContain('More entries match');
		const long = await html(`/search?q=${'a'.repeat(101)}`);
		expect(long.status).toBe(200);
		expect(long.text).toContain('Search for at most 100 characters.');
		expect(results(long.text)).toHaveLength(0);
		const nothing = (await html('/search?q=zzzz')).text;
		expect(nothing).toContain('Nothing on the schedule matches');
	});
});

describe('the day page', () => {
	it('puts the day links and the search form first: before the filter and the day', async () => {
		const page = (await html(`/days/${day1}`)).text;
		const at = (marker: string) => {
			const index = page.indexOf(marker);
			expect(index, marker).toBeGreaterThan(-1);
			return index;
		};
		const days = at('aria-label="Days of the gathering"');
		const search = at('role="search"');
		expect(days).toBeLessThan(search);
		expect(search).toBeLessThan(at('aria-label="Filter the schedule"'));
		expect(search).toBeLessThan(at('data-testid="day"'));
		expect(page).toMatch(/<form[^>]*action="\/search"[^>]*role="search"/);
	});

	it('offers the timetable as a view of its own, linked for wide screens only; the list stays the page', async () => {
		const list = (await html(`/days/${day1}`)).text;
		expect(list).not.toContain('data-testid="timetable"');
		expect(list).toMatch(
			/class="wide-only[^"]*"[^>]*>[^<]*<a href="\/days\/2031-09-01\?view=grid"/
		);
		const home = (await html('/')).text;
		expect(home).not.toContain('data-testid="timetable"');

		const grid = (await html(`/days/${day1}?view=grid`, crew)).text;
		expect(grid).toContain('data-testid="timetable"');
		const columns = [...grid.matchAll(/data-testid="timetable-location"[^>]*>([^<]*)</g)].map(
			(m) => m[1]
		);
		expect(columns).toEqual(['Crew tent', 'Main hall']);
		const cells = [...grid.matchAll(/data-testid="timetable-entry" data-column="(\d+)"/g)];
		expect(cells.map((m) => m[1]).sort()).toEqual(['2', '3']);
		// Unknown views are the list.
		expect((await html(`/days/${day1}?view=junk`)).text).not.toContain('data-testid="timetable"');
	});

	it('shows the public no Users link', async () => {
		expect((await html(`/days/${day1}`)).text).not.toMatch(/<a href="\/users"[^>]*>Users<\/a>/);
		expect((await html(`/days/${day1}`, crew)).text).toMatch(/<a href="\/users"[^>]*>Users<\/a>/);
	});

	it('lists to the public no location only crew or draft entries use', async () => {
		// Locations are public (their API and the stream): the filter is what must not offer one.
		const page = (await html(`/days/${day1}`)).text;
		expect(page).toContain('>Main hall</option>');
		expect(page).not.toContain('>Crew tent</option>');
		const forCrew = (await html(`/days/${day1}`, crew)).text;
		expect(forCrew).toContain('>Crew tent</option>');
	});
});

describe('logging in returns to the page asked for', () => {
	it('a page that needs a login sends its path along, and logging in goes back to it', async () => {
		const visitor = new Client(server.url);
		const asked = await html('/shifts?free=1', visitor);
		expect(asked.status).toBe(303);
		expect(asked.location).toBe('/login?next=/shifts%3Ffree%3D1');
		const login = await html(asked.location!, visitor);
		expect(login.text).toContain('action="?/login&amp;next=%2Fshifts%3Ffree%3D1"');
		const answer = await visitor.form('/login?/login&next=%2Fshifts%3Ffree%3D1', {
			name: 'Stagehand',
			password: 'password123'
		});
		expect(answer.status).toBe(303);
		expect(answer.headers.get('location')).toBe('/shifts?free=1');
		// Logged in already, the login page sends on at once.
		expect((await html('/login?next=/my', visitor)).location).toBe('/my');
	});

	it('never leaves the site: anything but a path of this site logs in to the schedule', async () => {
		for (const next of [
			'//evil.example/x',
			'https://evil.example/',
			'/\\evil.example',
			'/\t/evil.example',
			'javascript:alert(1)',
			'evil.example',
			'/logout'
		]) {
			const visitor = new Client(server.url);
			const answer = await visitor.form(`/login?/login&next=${encodeURIComponent(next)}`, {
				name: 'Stagehand',
				password: 'password123'
			});
			expect(answer.status, next).toBe(303);
			expect(answer.headers.get('location'), next).toBe('/');
		}
	});
});

describe('an entry that is not shown', () => {
	it('says in plain words it is not on the schedule, with a link back, the same for one that never was', async () => {
		for (const id of [ids.draft, 'no-such-entry']) {
			const page = await html(`/entries/${id}`);
			expect(page.status).toBe(404);
			expect(page.text).toContain('Not on the schedule');
			expect(page.text).toContain('is not on the schedule you can see');
			expect(page.text).toContain('>Back to the schedule</a>');
			expect(page.text).not.toContain('Pier party');
		}
	});
});

describe("the admin's entries page", () => {
	it('filters by visibility, day and words with a GET form, and marks drafts and crew entries', async () => {
		const rows = (page: string) =>
			[...page.matchAll(/data-testid="admin-entry"[^>]*data-visibility="(\w+)"/g)].map((m) => m[1]);
		const all = (await html('/admin/entries', admin)).text;
		expect(rows(all)).toHaveLength(59);
		expect(all).toMatch(/data-testid="visibility-badge"[^>]*>draft</);
		expect(all).toMatch(/data-testid="visibility-badge"[^>]*>crew only</);

		expect(rows((await html('/admin/entries?visibility=draft', admin)).text)).toEqual(['draft']);
		const firstDay = (await html(`/admin/entries?day=${day1}`, admin)).text;
		expect(rows(firstDay)).toHaveLength(3);
		expect(firstDay).toContain('Showing 3 of 59 entries.');
		expect(rows((await html(`/admin/entries?q=PIER&visibility=public`, admin)).text)).toEqual([
			'public'
		]);
		expect(rows((await html('/admin/entries?visibility=junk', admin)).text)).toHaveLength(59);
	});
});

describe('my shifts', () => {
	it('lists the shifts to come first, finished ones after, and flags two that clash', async () => {
		const now = Date.now();
		const shift = async (role: string, start: number, end: number) => {
			const response = await admin.json('/api/shifts', 'POST', {
				role,
				start,
				end,
				needed: 2,
				crewIds: [crewId]
			});
			expect(response.status, await response.clone().text()).toBe(201);
		};
		await shift('Gate early', now + 2 * hour, now + 4 * hour);
		await shift('Bar', now + 3 * hour, now + 5 * hour);
		await shift('Litter pick', now - 5 * hour, now - 4 * hour);
		await shift('Stage', now + 6 * hour, now + 7 * hour);

		const page = (await html('/shifts', crew)).text;
		const mine = /data-testid="my-shifts"[\s\S]*?<\/section>/.exec(page)![0];
		const order = [...mine.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
		expect(order).toEqual(['Gate early', 'Bar', 'Stage', 'Litter pick']);
		expect(mine.indexOf('Finished')).toBeGreaterThan(mine.indexOf('Stage'));
		const clashes = [...mine.matchAll(/data-testid="clash"[^>]*>([^<]*)</g)].map((m) => m[1]);
		expect(clashes).toEqual([
			expect.stringContaining('Clashes with Bar'),
			expect.stringContaining('Clashes with Gate early')
		]);
	});
});
