import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiLocation, UserType } from '$lib/api';
import { addDays, dayStart, gatheringDate } from '$lib/schedule/days';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * A logged-in visitor's schedule page is their type's page, rendered once for a stand-in, with
 * their own name, session and marks put in. It must be exactly the page a render for them
 * gives: the welcome cookie makes the server render for this request, so the two are compared
 * byte for byte.
 */

const server = serverForSuite({ PAGE_CACHE_STALE_SECONDS: '0' });
const hour = 3_600_000;
const rule = { timeZone: 'UTC', dayStartsAt: '00:00' };

let admin: Client;
const locations: ApiLocation[] = [];
const entries: ApiEntry[] = [];
let today = '';
let variants: string[] = [];

async function person(name: string, type: UserType): Promise<Client> {
	const client = new Client(server.url);
	const registered = await client.register(name);
	expect(registered.status).toBe(201);
	if (type !== 'regular') {
		const { id } = (await registered.json()) as { id: string };
		expect((await admin.json(`/api/users/${id}`, 'PATCH', { type })).status).toBe(200);
		// A type change ends the logins: in again.
		expect((await client.login(name)).status).toBe(200);
	}
	return client;
}

/** The shared page put together for the client, and a render for it alone, in one minute. */
async function bothWays(client: Client, path: string): Promise<[string, string]> {
	for (let attempt = 0; ; attempt++) {
		const shared = await client.fetch(path);
		expect(shared.status).toBe(200);
		expect(shared.headers.get('x-tidewatch-cache')).toMatch(/^personal (hit|miss|stale)$/);
		expect(shared.headers.get('cache-control')).toBe('no-store');
		const html = await shared.text();
		const own = await client.fetch(path, {
			headers: { cookie: `${client.cookieHeader}; tidewatch-welcome=render-for-me` }
		});
		expect(own.headers.get('x-tidewatch-cache')).toBeNull();
		const rendered = await own.text();
		// A minute may turn between the two: then ask again.
		const minute = (page: string) => /\bnow:(\d+)/.exec(page)?.[1];
		if (minute(html) === minute(rendered) || attempt === 2) {
			const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
			const hash = createHash('sha256').update(script).digest('base64');
			expect(shared.headers.get('content-security-policy')).toContain(`'sha256-${hash}'`);
			return [html, rendered];
		}
	}
}

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Page admin')).status).toBe(201);
	for (const name of ['Main stage', 'Tent']) {
		const created = await admin.json('/api/locations', 'POST', { name });
		locations.push((await created.json()) as ApiLocation);
	}
	today = gatheringDate(Date.now(), rule);
	const tomorrow = addDays(today, 1);
	let n = 0;
	for (const date of [today, tomorrow]) {
		for (const visibility of ['public', 'public', 'public', 'crew', 'draft'] as const) {
			const start = dayStart(date, rule) + (n % 20) * hour;
			const created = await admin.json('/api/entries', 'POST', {
				title: `Talk ${++n} <${visibility}> & "more"`,
				locationId: locations[n % 2].id,
				start,
				end: start + hour,
				visibility
			});
			expect(created.status).toBe(201);
			entries.push((await created.json()) as ApiEntry);
		}
	}
	variants = ['/', '/?by=location', `/?location=${locations[1].id}`, `/days/${tomorrow}`];
});

describe('the schedule page of a logged-in visitor', () => {
	it('is byte for byte the page a render for them gives, for every type and variant', async () => {
		const people = [
			await person('Zoë "Q" <b> & co', 'regular'),
			await person('Crew & "friends"', 'crew'),
			admin
		];
		for (const [i, client] of people.entries()) {
			// Marks on both days, some for entries only crew and admins see.
			for (const entry of entries.filter((_, k) => (k + i) % 3 === 0)) {
				const marked = await client.fetch(`/api/auth/account/interests/${entry.id}`, {
					method: 'PUT'
				});
				expect([200, 204, 404]).toContain(marked.status);
			}
			for (const path of variants) {
				const [shared, rendered] = await bothWays(client, path);
				expect(shared, `${i} ${path}`).toBe(rendered);
				expect(shared).toContain('aria-pressed=true');
			}
		}
	});

	it('a page no one shares (an unknown place, a day without entries, no such day) is rendered for the visitor', async () => {
		const client = await person('Off the map', 'regular');
		for (const [path, status] of [
			['/?location=nowhere', 200],
			['/days/2001-01-01', 200],
			['/days/2001-02-30', 404]
		] as const) {
			const answer = await client.fetch(path);
			expect(answer.status, path).toBe(status);
			expect(answer.headers.get('x-tidewatch-cache'), path).toBeNull();
			const html = await answer.text();
			expect(html, path).toContain('Off the map');
			expect(html, path).not.toContain('zzStandIn');
		}
	});

	it('stays so whatever the name and whichever entries are marked', async () => {
		const client = await person('Model visitor', 'regular');
		const publicEntries = entries.filter((entry) => entry.visibility === 'public');
		const marked = new Set<string>();
		const name = fc
			.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
			.filter((text) => text.trim().length > 0);
		await fc.assert(
			fc.asyncProperty(
				name,
				fc.subarray(publicEntries.map((entry) => entry.id)),
				fc.constantFrom(...variants),
				async (wanted, marks, path) => {
					const renamed = await client.json('/api/auth/account', 'PATCH', { name: wanted });
					// Names the app refuses (a lone mark, a control character) change nothing.
					expect([200, 400]).toContain(renamed.status);
					for (const id of new Set([...marked, ...marks])) {
						const on = marks.includes(id);
						if (on === marked.has(id)) continue;
						const answer = await client.fetch(`/api/auth/account/interests/${id}`, {
							method: on ? 'PUT' : 'DELETE'
						});
						expect(answer.status).toBeLessThan(300);
						if (on) marked.add(id);
						else marked.delete(id);
					}
					const [shared, rendered] = await bothWays(client, path);
					expect(shared).toBe(rendered);
				}
			),
			{ numRuns: 15 }
		);
	}, 120_000);
});
