import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, test } from './fixtures';

/*
 * A page of the same site on another origin (here another port of 127.0.0.1; in production a
 * sibling subdomain) gets the visitor's session cookie on its requests to the app, SameSite=Lax
 * notwithstanding. A POST without a body needs no preflight: the page may send it, though it
 * cannot read the answer. The app refuses it, and the form post too.
 */

const hour = 3_600_000;

/** The other origin's page: two bodiless fetches with the cookie, then a form to post. */
function attackerPage(app: string, shiftId: string): string {
	return `<!doctype html>
<title>loading</title>
<form method="post" action="${app}/shifts?/signup">
	<input type="hidden" name="id" value="${shiftId}">
	<button>Post the form</button>
</form>
<script>
	const send = (path) => fetch('${app}' + path, { method: 'POST', mode: 'no-cors', credentials: 'include' });
	Promise.allSettled([send('/api/shifts/${shiftId}/signup'), send('/api/auth/account/calendar')])
		.then(() => (document.title = 'sent'));
</script>`;
}

let other: Server | undefined;
test.afterEach(() => new Promise<void>((done) => (other ? other.close(() => done()) : done())));

test('a page on another port of the same host cannot take a shift or replace a feed', async ({
	browser,
	baseURL
}) => {
	const app = new URL(baseURL!).origin;
	const admin = await (await browser.newContext()).newPage();
	await logIn(admin, adminName);
	const start = Date.now() + 48 * hour + Math.floor(Math.random() * 1000) * 5 * hour;
	const created = await api(admin, 'POST', '/api/shifts', {
		role: uniqueName('Gate'),
		start,
		end: start + hour,
		needed: 3
	});
	expect(created.status, created.body).toBe(201);
	const shift = JSON.parse(created.body) as { id: string };

	// A logged-in crew member with a calendar feed.
	const crew = await (await browser.newContext()).newPage();
	const name = uniqueName('crew');
	await register(crew, name);
	const users = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body);
	const crewId = users[0].id as string;
	expect((await api(admin, 'PATCH', `/api/users/${crewId}`, { type: 'crew' })).status).toBe(200);
	const feed = await api(crew, 'POST', '/api/auth/account/calendar');
	expect(feed.status, feed.body).toBe(201);
	const feedUrl = new URL((JSON.parse(feed.body) as { url: string }).url).pathname;

	other = createServer((_request, response) => {
		response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
		response.end(attackerPage(app, shift.id));
	});
	await new Promise<void>((done) => other!.listen(0, '127.0.0.1', done));
	const elsewhere = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;

	// What the app answered each request the other page made to it.
	const answers: string[] = [];
	crew.on('response', (response) => {
		const url = new URL(response.url());
		if (url.origin === app && response.request().method() === 'POST')
			answers.push(`${response.request().method()} ${url.pathname} ${response.status()}`);
	});
	await crew.goto(elsewhere);
	await expect(crew).toHaveTitle('sent');
	await crew.getByRole('button', { name: 'Post the form' }).click();
	await crew.waitForURL(`${app}/shifts?/signup`);
	await expect
		.poll(() => [...answers].sort())
		.toEqual([
			'POST /api/auth/account/calendar 403',
			`POST /api/shifts/${shift.id}/signup 403`,
			'POST /shifts 403'
		]);

	// Nothing changed, as the crew member sees it: no place on the shift, the same feed.
	await crew.goto('/my');
	const shifts = JSON.parse((await api(crew, 'GET', '/api/shifts')).body) as {
		id: string;
		crewIds: string[];
	}[];
	expect(shifts.find((s) => s.id === shift.id)?.crewIds).toEqual([]);
	expect((await api(crew, 'GET', feedUrl)).status).toBe(200);
	expect((await api(crew, 'GET', '/api/auth/account')).status).toBe(200);
});
