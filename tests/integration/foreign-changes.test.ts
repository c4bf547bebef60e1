import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';

// A change whose Origin (or, without one, Sec-Fetch-Site) names anything but the app is
// refused, whatever its body: the POSTs with no body need no preflight, and the session cookie
// (SameSite=Lax) goes along from any page of the same site. Every kind of write meets every
// combination of the two headers, with ORIGIN and without; a refused one changes nothing.

interface Answer {
	status: number;
	type: string;
	body: string;
}

function send(
	server: TestServer,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string
): Promise<Answer> {
	return new Promise((done, fail) => {
		const req = request(`${server.url}${path}`, { method, headers, agent: false }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk) => (text += chunk));
			res.on('end', () =>
				done({ status: res.statusCode!, type: res.headers['content-type'] ?? '', body: text })
			);
		});
		req.on('error', fail);
		req.end(body);
	});
}

// About 170 requests a server; a loaded machine needs more than the default.
const timeout = 120_000;
const message = 'changes are only accepted from pages of this app';
const hour = 3_600_000;
const formTypes = ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data'];

/** The Origin and Sec-Fetch-Site a request carries; `app` stands for the app's own origin. */
interface From {
	origin?: string;
	fetchSite?: string;
}

function fromCases(server: TestServer): { label: string; from: From; foreign: boolean }[] {
	const app = server.url;
	return [
		{ label: 'the app', from: { origin: app }, foreign: false },
		{
			label: 'the app, Origin over Sec-Fetch-Site',
			from: { origin: app, fetchSite: 'cross-site' },
			foreign: false
		},
		{
			label: 'another port of the same host',
			from: { origin: `http://127.0.0.1:${server.port + 1}` },
			foreign: true
		},
		{
			label: 'another name of the same server',
			from: { origin: `http://localhost:${server.port}` },
			foreign: true
		},
		{
			label: 'https on the same host',
			from: { origin: `https://127.0.0.1:${server.port}` },
			foreign: true
		},
		{ label: 'an opaque origin', from: { origin: 'null' }, foreign: true },
		{
			label: 'another site',
			from: { origin: 'https://evil.example', fetchSite: 'same-origin' },
			foreign: true
		},
		{ label: 'same-site, no Origin', from: { fetchSite: 'same-site' }, foreign: true },
		{ label: 'cross-site, no Origin', from: { fetchSite: 'cross-site' }, foreign: true },
		{ label: 'same-origin, no Origin', from: { fetchSite: 'same-origin' }, foreign: false },
		{ label: 'typed by the person, no Origin', from: { fetchSite: 'none' }, foreign: false },
		{ label: 'an API client (neither header)', from: {}, foreign: false }
	];
}

/** What a refused change must leave as it was. */
function state(server: TestServer) {
	return {
		crew: server.query('SELECT * FROM shift_crew ORDER BY shift_id, user_id'),
		feeds: server.query('SELECT * FROM calendar_feed ORDER BY user_id'),
		interests: server.query('SELECT * FROM interest ORDER BY user_id, entry_id'),
		entries: server.query('SELECT * FROM entry ORDER BY id'),
		settings: server.query('SELECT * FROM settings'),
		sessions: server.query('SELECT * FROM session ORDER BY id'),
		events: server.query('SELECT max(id) AS id FROM event')
	};
}

async function world(server: TestServer) {
	const admin = new Client(server.url);
	const crew = new Client(server.url);
	expect((await admin.register('Admin')).status).toBe(201);
	const crewId = ((await (await crew.register('Crew')).json()) as { id: string }).id;
	expect((await admin.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' })).status).toBe(200);
	// Entries start on a whole minute.
	const start = Math.ceil((Date.now() + 24 * hour) / 60_000) * 60_000;
	const created = async (path: string, json: unknown) => {
		const response = await admin.json(path, 'POST', json);
		expect(response.status).toBe(201);
		return ((await response.json()) as { id: string }).id;
	};
	const entry = await created('/api/entries', { title: 'A talk', start, end: start + hour });
	const shift = await created('/api/shifts', { role: 'Door', start, end: start + hour, needed: 5 });
	expect((await crew.fetch('/api/auth/account/calendar', { method: 'POST' })).status).toBe(201);
	return { admin: admin.cookieHeader, crew: crew.cookieHeader, entry, shift, start };
}

interface Write {
	label: string;
	method: string;
	path: string;
	who: 'admin' | 'crew';
	type?: string;
	body?: string;
}

function writes(w: Awaited<ReturnType<typeof world>>): Write[] {
	const json = 'application/json';
	return [
		// The busiest changes.
		{
			label: 'shift sign-up, no body',
			method: 'POST',
			path: `/api/shifts/${w.shift}/signup`,
			who: 'crew'
		},
		{
			label: 'leaving a shift',
			method: 'DELETE',
			path: `/api/shifts/${w.shift}/signup`,
			who: 'crew'
		},
		{
			label: 'a mark, no body',
			method: 'PUT',
			path: `/api/auth/account/interests/${w.entry}`,
			who: 'crew'
		},
		{
			label: 'an unmark',
			method: 'DELETE',
			path: `/api/auth/account/interests/${w.entry}`,
			who: 'crew'
		},
		{
			label: 'an entry edit (JSON)',
			method: 'PATCH',
			path: `/api/entries/${w.entry}`,
			who: 'admin',
			type: json,
			body: JSON.stringify({ title: 'Edited' })
		},
		{
			label: 'a new entry (JSON)',
			method: 'POST',
			path: '/api/entries',
			who: 'admin',
			type: json,
			body: JSON.stringify({ title: 'New', start: w.start, end: w.start + hour })
		},
		// SvelteKit's routes.
		{
			label: 'a new calendar feed, no body',
			method: 'POST',
			path: '/api/auth/account/calendar',
			who: 'crew'
		},
		{
			label: 'revoking the feed',
			method: 'DELETE',
			path: '/api/auth/account/calendar',
			who: 'crew'
		},
		{
			label: 'settings (JSON)',
			method: 'PATCH',
			path: '/api/settings',
			who: 'admin',
			type: json,
			body: JSON.stringify({ name: 'Gathering' })
		},
		{
			label: 'shift sign-up with a text body',
			method: 'POST',
			path: `/api/shifts/${w.shift}/signup`,
			who: 'crew',
			type: 'text/plain',
			body: 'x'
		},
		{
			label: 'the sign-up form',
			method: 'POST',
			path: '/shifts?/signup',
			who: 'crew',
			type: 'application/x-www-form-urlencoded',
			body: `id=${w.shift}`
		},
		{ label: 'the sign-up form, no body', method: 'POST', path: '/shifts?/signup', who: 'crew' },
		{
			label: 'the sign-up form with a JSON body',
			method: 'POST',
			path: '/shifts?/signup',
			who: 'crew',
			type: json,
			body: JSON.stringify({ id: w.shift })
		},
		{ label: 'the logout form, no body', method: 'POST', path: '/logout?/logout', who: 'crew' }
	];
}

for (const [label, env] of [
	['with ORIGIN', {}],
	['without ORIGIN', { ORIGIN: '' }]
] as const) {
	describe(`changes from other origins (${label})`, () => {
		const server = serverForSuite({ ...env });

		it(
			'are refused 403 whatever their body, change nothing; the app and API clients go through',
			async () => {
				const w = await world(server);
				for (const write of writes(w)) {
					for (const { label, from, foreign } of fromCases(server)) {
						const headers: Record<string, string> = { cookie: w[write.who] };
						if (from.origin) headers.origin = from.origin;
						if (from.fetchSite) headers['sec-fetch-site'] = from.fetchSite;
						if (write.type) headers['content-type'] = write.type;
						// SvelteKit's own check refuses a form body without the app's Origin, too.
						const form = formTypes.includes(write.type ?? '');
						const refused = foreign || (form && from.origin !== server.url);
						const before = refused ? state(server) : undefined;
						const answer = await send(server, write.method, write.path, headers, write.body);
						const what = `${write.label} from ${label}: ${answer.status} ${answer.body}`;
						if (!refused) {
							expect(answer.status, what).not.toBe(403);
							continue;
						}
						expect(answer.status, what).toBe(403);
						if (!form) {
							if (write.path.startsWith('/api/'))
								expect(JSON.parse(answer.body), what).toEqual({ message });
							else expect(answer.body, what).toBe(message + '\n');
						}
						expect(state(server), what).toEqual(before);
					}
				}
			},
			timeout
		);

		it('reads are never refused, whatever their Origin', async () => {
			for (const method of ['GET', 'HEAD']) {
				for (const { from } of fromCases(server)) {
					const headers: Record<string, string> = {};
					if (from.origin) headers.origin = from.origin;
					if (from.fetchSite) headers['sec-fetch-site'] = from.fetchSite;
					expect((await send(server, method, '/api/settings', headers)).status).toBe(200);
				}
			}
		});
	});
}
