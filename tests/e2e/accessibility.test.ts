import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expectNoViolations } from './axe';
import { adminName, api, logIn, register, uniqueName, test } from './fixtures';
import { registerFirstAdmin } from './global-setup';
import { OwnServer } from './own-server';

/*
 * axe-core on every page, at a desktop's and a phone's width, for the public, a regular user,
 * a crew member and an admin (issue 21, point 10): any WCAG 2.1 A or AA violation fails. The
 * gathering has an entry on now, one just over, one ahead, a crew-only one and a draft, and
 * shifts with one finished, so every look an entry or a shift can take is on the pages. It runs
 * on a server of its own: on the suite's, the admin's lists would hold every entry, user and
 * audit record of every other test, and checking them took minutes.
 */

const minute = 60_000;
const hour = 60 * minute;
// Dozens of pages, each checked twice, on a loaded 2-core machine.
test.describe.configure({ timeout: 240_000 });

const server = new OwnServer();
let admin: Page;
let regular: Page;
let crew: Page;
let publicPage: Page;
const ids: Record<string, string> = {};
let crewId = '';
let day = '';

const contexts: BrowserContext[] = [];

async function pageIn(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	contexts.push(context);
	return context.newPage();
}

test.beforeAll(async ({ browser }) => {
	await server.start();
	expect(await registerFirstAdmin(server.url, adminName)).toBe(201);
	admin = await pageIn(browser);
	await logIn(admin, adminName);
	const now = Math.floor(Date.now() / minute) * minute;
	day = new Date(now).toISOString().slice(0, 10);
	const location = await api(admin, 'POST', '/api/locations', { name: uniqueName('Quay') });
	expect(location.status, location.body).toBe(201);
	const locationId = JSON.parse(location.body).id;
	const entries = {
		running: [now - 30 * minute, now + 30 * minute, 'public'],
		over: [now - 90 * minute, now - 30 * minute, 'public'],
		upcoming: [now + 2 * hour, now + 3 * hour, 'public'],
		crew: [now + 1 * hour, now + 2 * hour, 'crew'],
		draft: [now + 1 * hour, now + 2 * hour, 'draft']
	} as const;
	for (const [key, [start, end, visibility]] of Object.entries(entries)) {
		const made = await api(admin, 'POST', '/api/entries', {
			title: uniqueName(`Talk ${key}`),
			description: `An entry ${key}.`,
			start,
			end,
			visibility,
			locationId
		});
		expect(made.status, made.body).toBe(201);
		ids[key] = JSON.parse(made.body).id;
	}

	regular = await pageIn(browser);
	await register(regular, uniqueName('visitor'));
	for (const key of ['running', 'upcoming']) {
		const marked = await api(regular, 'PUT', `/api/auth/account/interests/${ids[key]}`);
		expect(marked.status, marked.body).toBe(200);
	}

	crew = await pageIn(browser);
	const crewName = uniqueName('crew');
	await register(crew, crewName);
	[{ id: crewId }] = JSON.parse((await api(admin, 'GET', `/api/users?q=${crewName}`)).body);
	expect((await api(admin, 'PATCH', `/api/users/${crewId}`, { type: 'crew' })).status).toBe(200);
	for (const [key, start, crewIds] of [
		['finished', now - 6 * hour, [crewId]],
		['ahead', now + 4 * hour, [crewId]],
		['open', now + 5 * hour, []]
	] as const) {
		const made = await api(admin, 'POST', '/api/shifts', {
			role: uniqueName(key),
			start,
			end: start + 2 * hour,
			needed: 2,
			locationId,
			crewIds
		});
		expect(made.status, made.body).toBe(201);
	}
	publicPage = await pageIn(browser);
});

test.afterAll(async () => {
	await Promise.all(contexts.map((context) => context.close()));
	await server.remove();
});

/**
 * axe leaves its experimental rules out unless named: these are WCAG 2.1 A and AA ones, among
 * them the rule that a control's name holds its visible text (label-content-name-mismatch).
 */
test('public pages', async () => {
	for (const path of [
		'/',
		`/days/${day}`,
		`/entries/${ids.running}`,
		`/entries/${ids.over}`,
		'/login',
		'/register',
		'/reset-password?token=not-a-token',
		'/no-such-page',
		`/entries/${ids.draft}`
	])
		await expectNoViolations(publicPage, path);
});

test("a regular user's pages", async () => {
	for (const path of [
		'/',
		`/days/${day}`,
		`/entries/${ids.running}`,
		`/entries/${ids.upcoming}`,
		'/my',
		'/account',
		'/users'
	])
		await expectNoViolations(regular, path);
});

test("a crew member's pages", async () => {
	for (const path of [
		'/',
		`/days/${day}?by=location`,
		`/entries/${ids.crew}`,
		'/my',
		'/shifts',
		'/shifts?free=1'
	])
		await expectNoViolations(crew, path);
});

test("an admin's pages", async () => {
	const reset = await api(admin, 'POST', `/api/users/${crewId}/password-reset`, {});
	expect(reset.status, reset.body).toBe(201);
	for (const path of [
		'/',
		`/days/${day}`,
		`/entries/${ids.draft}`,
		'/admin',
		'/admin/entries',
		`/admin/entries?edit=${ids.running}`,
		'/admin/locations',
		'/admin/shifts',
		'/users',
		`/users/${crewId}`,
		'/users/audit',
		'/account',
		'/my'
	])
		await expectNoViolations(admin, path);
	// A reset link's page, as the person it is for opens it.
	const link = new URL(JSON.parse(reset.body).url);
	await expectNoViolations(publicPage, link.pathname + link.search);
});
