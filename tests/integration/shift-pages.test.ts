import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiShift } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * The pages of shifts, interests and feeds without JavaScript: who may open them, what their
 * data holds for each level (never a shift for the public or a regular user), and every form
 * posted as a browser without JavaScript posts it.
 */

let server: TestServer;
let admin: Client;
let crew: Client;
let regular: Client;
let crewId: string;
const hour = 3_600_000;
const t0 = Date.UTC(2031, 8, 1, 9);
/** A role no other text on any page contains, to look for leaks. */
const secretRole = 'Backstage-key-holder-7f3';

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url);
	await admin.register('Organiser');
	await admin.setUp();
	crew = new Client(server.url);
	crewId = (await (await crew.register('Stagehand')).json()).id;
	await admin.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' });
	regular = new Client(server.url);
	await regular.register('Visitor');
});
afterAll(() => server?.close());

async function newShift(fields: Partial<ApiShift> = {}): Promise<ApiShift> {
	const response = await admin.json('/api/shifts', 'POST', {
		role: secretRole,
		start: t0,
		end: t0 + hour,
		needed: 1,
		...fields
	});
	expect(response.status).toBe(201);
	return response.json();
}

async function newEntry(title: string): Promise<ApiEntry> {
	const response = await admin.json('/api/entries', 'POST', {
		title,
		start: t0 + 2 * hour,
		end: t0 + 3 * hour,
		visibility: 'public'
	});
	return response.json();
}

const page = async (client: Client, path: string) => {
	const response = await client.fetch(path, { headers: { accept: 'text/html' } });
	return {
		status: response.status,
		location: response.headers.get('location'),
		html: await response.text()
	};
};

describe('who sees shifts', () => {
	it('/shifts is for crew and admins, /admin/shifts for admins; others are sent to log in or refused', async () => {
		await newShift();
		const visitor = new Client(server.url);
		expect(await page(visitor, '/shifts')).toMatchObject({
			status: 303,
			location: '/login?next=/shifts'
		});
		expect(await page(visitor, '/my')).toMatchObject({ status: 303, location: '/login?next=/my' });
		expect((await page(regular, '/shifts')).status).toBe(403);
		expect((await page(crew, '/admin/shifts')).status).toBe(403);
		for (const [client, path] of [
			[crew, '/shifts'],
			[admin, '/shifts'],
			[admin, '/admin/shifts']
		] as const) {
			const shown = await page(client, path);
			expect(shown.status, path).toBe(200);
			expect(shown.html).toContain(secretRole);
		}
	});

	it('no page gives the public or a regular user a shift, in the HTML or its data', async () => {
		const entry = await newEntry('Leak check');
		const visitor = new Client(server.url);
		for (const client of [visitor, regular]) {
			for (const path of [
				'/',
				'/my',
				`/entries/${entry.id}`,
				'/shifts',
				'/__data.json',
				'/shifts/__data.json',
				'/my/__data.json'
			]) {
				const { html } = await page(client, path);
				expect(html.includes(secretRole), path).toBe(false);
				expect(html.includes('crewIds'), path).toBe(false);
			}
		}
		expect((await page(crew, '/my')).status).toBe(200);
	});
});

describe('without JavaScript', () => {
	it('crew sign up and leave with the forms; a full shift tells why', async () => {
		const shift = await newShift({ role: 'Door', start: t0 + 10 * hour, end: t0 + 11 * hour });
		const taken = await crew.form('/shifts?/signup', { id: shift.id });
		expect(taken.status).toBe(200);
		expect(await taken.text()).toContain('You have a place on Door.');
		expect(server.query('SELECT user_id FROM shift_crew WHERE shift_id = ?', shift.id)).toEqual([
			{ user_id: crewId }
		]);
		const other = new Client(server.url);
		const otherId = (await (await other.register('Second hand')).json()).id;
		await admin.json(`/api/users/${otherId}`, 'PATCH', { type: 'crew' });
		const full = await other.form('/shifts?/signup', { id: shift.id });
		expect(full.status).toBe(409);
		expect(await full.text()).toContain('this shift is full: every place has been taken');
		expect((await regular.form('/shifts?/signup', { id: shift.id })).status).toBe(403);
		const left = await crew.form('/shifts?/leave', { id: shift.id });
		expect(await left.text()).toContain('You left Door.');
		expect(server.query('SELECT 1 FROM shift_crew WHERE shift_id = ?', shift.id)).toEqual([]);
	});

	it('an admin adds, assigns, unassigns and deletes a shift with the forms; overlaps are marked', async () => {
		const made = await admin.form('/admin/shifts?/save', {
			role: 'Bar',
			locationId: '',
			start: '2031-09-02T18:00',
			end: '2031-09-02T20:00',
			needed: '2',
			notes: 'Till in the drawer'
		});
		expect(await made.text()).toContain('Bar added.');
		const bar = ((await (await admin.fetch('/api/shifts')).json()) as ApiShift[]).find(
			(s) => s.role === 'Bar'
		)!;
		expect(bar.needed).toBe(2);
		const overlapping = await newShift({
			role: 'Cloakroom',
			start: bar.start + hour,
			end: bar.end + hour,
			crewIds: [crewId]
		});
		const assigned = await admin.form('/admin/shifts?/assign', { id: bar.id, userId: crewId });
		const html = await assigned.text();
		expect(html).toContain('Stagehand is on Bar.');
		expect(html).toContain('data-testid="overlap"');
		expect(
			(await admin.form('/admin/shifts?/assign', { id: bar.id, userId: 'nobody' })).status
		).toBe(400);
		expect(
			await (await admin.form('/admin/shifts?/unassign', { id: bar.id, userId: crewId })).text()
		).toContain('Stagehand is off Bar.');
		const asked = await admin.form('/admin/shifts?/delete', { id: overlapping.id });
		expect(await asked.text()).toContain('Delete <strong>Cloakroom</strong>?');
		await admin.form('/admin/shifts?/delete', { id: overlapping.id, confirm: 'yes' });
		expect((await admin.fetch(`/api/shifts/${overlapping.id}`)).status).toBe(404);
		const badNeeded = await admin.form('/admin/shifts?/save', {
			role: 'x',
			locationId: '',
			start: '2031-09-02T18:00',
			end: '2031-09-02T20:00',
			needed: '0',
			notes: ''
		});
		expect(badNeeded.status).toBe(400);
		// Crew may not even see the page the form is on.
		expect((await crew.form('/admin/shifts?/save', { role: 'x' })).status).toBe(403);
		expect((await crew.form('/admin/shifts?/delete', { id: bar.id, confirm: 'yes' })).status).toBe(
			403
		);
	});

	it('marking on the schedule comes back to the entry, and /my shows it; unmarking on /my removes it', async () => {
		const entry = await newEntry('No-JS favourite');
		const marked = await regular.form('/?/interest', { entryId: entry.id, interested: 'yes' });
		expect(marked.status).toBe(303);
		expect(marked.headers.get('location')).toBe(`/#entry-${entry.id}`);
		// /my holds every visible entry in its data (for marks made in other tabs): look at the plan.
		const planned = `data-testid="plan-entry" data-id="${entry.id}"`;
		expect((await page(regular, '/my')).html).toContain(planned);
		expect((await page(regular, '/')).html).toContain('aria-pressed=true');
		const fromEntry = await regular.form(`/entries/${entry.id}?/interest`, {
			entryId: entry.id,
			interested: 'no'
		});
		expect(fromEntry.headers.get('location')).toBe(`/entries/${entry.id}#entry-${entry.id}`);
		expect((await page(regular, '/my')).html).not.toContain(planned);
		expect(
			(await new Client(server.url).form('/?/interest', { entryId: entry.id, interested: 'yes' }))
				.status
		).toBe(303);
		const bad = await regular.form('/?/interest', { entryId: 'nope', interested: 'yes' });
		expect(bad.status).toBe(404);
	});

	it('/my marks a marked entry that clashes with a held shift', async () => {
		const shift = await newShift({
			role: 'Stage',
			start: t0 + 50 * hour,
			end: t0 + 52 * hour,
			crewIds: [crewId]
		});
		const entry = (await (
			await admin.json('/api/entries', 'POST', {
				title: 'Clashing talk',
				start: shift.start + hour,
				end: shift.end + hour,
				visibility: 'public'
			})
		).json()) as ApiEntry;
		await crew.fetch(`/api/auth/account/interests/${entry.id}`, { method: 'PUT' });
		const { html } = await page(crew, '/my');
		for (const id of [entry.id, shift.id]) {
			expect(html).toMatch(new RegExp(`data-id="${id}" class="[^"]*\\bclashing\\b`));
		}
	});

	it('the account page makes a feed address, shows it once, and revokes it', async () => {
		const made = await regular.form('/account?/createFeed', {});
		const html = await made.text();
		const url = /value="(http[^"]+\/calendar\/[A-Za-z0-9_-]{43}\.ics)"/.exec(html)?.[1];
		expect(url).toBeDefined();
		expect((await fetch(url!)).status).toBe(200);
		const again = await page(regular, '/account');
		expect(again.html).not.toContain(url!);
		expect(again.html).toContain('You have a feed');
		await regular.form('/account?/revokeFeed', {});
		expect((await fetch(url!)).status).toBe(404);
		expect((await page(regular, '/account')).html).toContain('You have no feed.');
	});
});
