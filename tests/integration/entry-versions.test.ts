import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * Two admins editing one entry lose nothing (issue 21, point 3): an edit may name the version it
 * is based on (If-Match on the API, a version field in the admin page's form), and a save based
 * on an old version is refused with 409 and the entry as it is now, decided in the write
 * transaction; the form without JavaScript keeps the person's text and lets them overwrite
 * knowingly. Against the real built server.
 */

let server: TestServer;
let alice: Client;
let bob: Client;
let visitor: Client;
const t0 = Date.UTC(2031, 6, 4, 10);
const hour = 3_600_000;

beforeAll(async () => {
	server = await startServer();
	alice = new Client(server.url);
	expect((await alice.register('Alice')).status).toBe(201);
	await alice.setUp();
	bob = new Client(server.url);
	const bobId = (await (await bob.register('Bob')).json()).id;
	expect((await alice.json(`/api/users/${bobId}`, 'PATCH', { type: 'admin' })).status).toBe(200);
	visitor = new Client(server.url);
	await visitor.register('Visitor');
});
afterAll(() => server?.close());

async function newEntry(title: string): Promise<ApiEntry> {
	const response = await alice.json('/api/entries', 'POST', {
		title,
		description: 'as planned',
		start: t0,
		end: t0 + hour,
		visibility: 'public'
	});
	expect(response.status).toBe(201);
	return response.json();
}

const patch = (client: Client, path: string, json: unknown, ifMatch?: string) =>
	client.fetch(path, {
		method: 'PATCH',
		json,
		headers: ifMatch === undefined ? {} : { 'if-match': ifMatch }
	});

const stored = (id: string) =>
	server.query<{ description: string; revision: number }>(
		'SELECT description, revision FROM entry WHERE id = ?',
		id
	)[0];

describe('the API', () => {
	it('answers an admin the version as ETag; the public sees neither', async () => {
		const entry = await newEntry('Versions');
		expect(entry.version).toBe(0);
		const asAdmin = await bob.fetch(`/api/entries/${entry.id}`);
		expect(asAdmin.headers.get('etag')).toBe('"0"');
		expect(((await asAdmin.json()) as ApiEntry).version).toBe(0);
		const asVisitor = await visitor.fetch(`/api/entries/${entry.id}`);
		expect(asVisitor.headers.get('etag')).toBeNull();
		expect(await asVisitor.json()).not.toHaveProperty('version');
	});

	// A query the route does not read changes nothing.
	for (const [way, query] of [
		['plain URL', ''],
		['with a query', '?via=kit']
	] as const) {
		it(`a PATCH with a matching If-Match saves; one from an old version gets 409 with the current entry (${way})`, async () => {
			const entry = await newEntry(`Stale ${way}`);
			const path = `/api/entries/${entry.id}${query}`;
			const saved = await patch(alice, path, { description: "Alice's words" }, '"0"');
			expect(saved.status, await saved.clone().text()).toBe(200);
			expect(saved.headers.get('etag')).toBe('"1"');
			expect(((await saved.json()) as ApiEntry).version).toBe(1);

			// Bob opened the entry at version 0 and never saw Alice's save.
			const stale = await patch(bob, path, { description: "Bob's older words" }, '"0"');
			expect(stale.status).toBe(409);
			expect(stale.headers.get('etag')).toBe('"1"');
			const body = (await stale.json()) as { message: string; current: ApiEntry };
			expect(body.message).toMatch(/changed since/);
			expect(body.current).toMatchObject({
				id: entry.id,
				description: "Alice's words",
				version: 1
			});
			expect(stored(entry.id)).toEqual({ description: "Alice's words", revision: 1 });

			// Having seen it, Bob saves over version 1; a weak or foreign tag never matches.
			expect((await patch(bob, path, { description: 'x' }, 'W/"1"')).status).toBe(409);
			expect((await patch(bob, path, { description: 'x' }, '"abc"')).status).toBe(409);
			const over = await patch(bob, path, { description: "Bob's words" }, '"7", "1"');
			expect(over.status).toBe(200);
			expect(stored(entry.id)).toEqual({ description: "Bob's words", revision: 2 });
			// Without If-Match (or with *) an edit is unconditional, as before.
			expect((await patch(alice, path, { title: 'Plain' })).status).toBe(200);
			expect((await patch(alice, path, { title: 'Star' }, '*')).status).toBe(200);
			expect(stored(entry.id).revision).toBe(4);
		});
	}

	it('of parallel saves from one version exactly one wins: the check is in the write transaction', async () => {
		const entry = await newEntry('Race');
		const answers = await Promise.all(
			Array.from({ length: 6 }, (_, i) =>
				patch(i % 2 ? alice : bob, `/api/entries/${entry.id}`, { description: `take ${i}` }, '"0"')
			)
		);
		const statuses = answers.map((answer) => answer.status).sort();
		expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
		expect(stored(entry.id).revision).toBe(1);
	});
});

describe('the admin page without JavaScript', () => {
	const formOf = (entry: ApiEntry, fields: Record<string, string>) => ({
		id: entry.id,
		title: entry.title,
		locationId: '',
		visibility: 'public',
		start: '2031-07-04T10:00',
		end: '2031-07-04T11:00',
		description: entry.description,
		crewNotes: '',
		...fields
	});

	it('the edit form carries the version it was opened at', async () => {
		const entry = await newEntry('Carried');
		await patch(alice, `/api/entries/${entry.id}`, { description: 'moved on' });
		const html = await (
			await bob.fetch(`/admin/entries?edit=${entry.id}`, { headers: { accept: 'text/html' } })
		).text();
		expect(html).toMatch(/<input type="hidden" name="version" value="1"/);
	});

	it('refuses a stale save, keeps the text typed, shows the current values and saves over them once confirmed', async () => {
		const entry = await newEntry('Two editors');
		// Bob opened the form at version 0; Alice saves a newer description meanwhile.
		expect(
			(await patch(alice, `/api/entries/${entry.id}`, { description: 'Alice: now in Hall B' }))
				.status
		).toBe(200);
		const typed = 'Bob typed this for ten minutes';
		const refused = await bob.form(
			'/admin/entries?/save',
			formOf(entry, { version: '0', description: typed })
		);
		expect(refused.status).toBe(409);
		const html = await refused.text();
		expect(html).toContain('Another admin changed this entry since you opened it');
		expect(html).toContain(typed);
		expect(html).toContain('data-testid="entry-changed"');
		expect(html).toContain('Alice: now in Hall B');
		expect(html).toContain('Save mine over the new version');
		// Saving again from this form names the version it showed: the current one.
		expect(html).toMatch(/<input type="hidden" name="version" value="1"/);
		expect(stored(entry.id)).toEqual({ description: 'Alice: now in Hall B', revision: 1 });

		const confirmed = await bob.form(
			'/admin/entries?/save',
			formOf(entry, { version: '1', description: typed })
		);
		expect(confirmed.status).toBe(200);
		expect(await confirmed.text()).toContain('Two editors saved.');
		expect(stored(entry.id)).toEqual({ description: typed, revision: 2 });
	});

	it('a refused save keeps only what the person changed: fields they left alone take the new values', async () => {
		const entry = await newEntry('Merged');
		const opened = {
			title: 'Merged',
			locationId: '',
			visibility: 'public',
			start: '2031-07-04T10:00',
			end: '2031-07-04T11:00',
			description: 'as planned',
			crewNotes: ''
		};
		// Alice retitles it; Bob, who opened it before, rewrites only the description.
		await patch(alice, `/api/entries/${entry.id}`, { title: 'Merged and moved' });
		const refused = await bob.form(
			'/admin/entries?/save',
			formOf(entry, {
				version: '0',
				opened: JSON.stringify(opened),
				description: 'Bob: new words'
			})
		);
		expect(refused.status).toBe(409);
		const html = (await refused.text()).replace(/<!--.*?-->/g, '');
		expect(html).toMatch(/name="title"[^>]*value="Merged and moved"/);
		expect(html).toContain('Bob: new words');
		// Nothing both changed: a plain save, from the version the form now shows, keeps both.
		expect(html).not.toContain('Save mine over the new version');
		expect(html).toMatch(/<input type="hidden" name="version" value="1"/);
		const saved = await bob.form(
			'/admin/entries?/save',
			formOf(entry, { version: '1', title: 'Merged and moved', description: 'Bob: new words' })
		);
		expect(saved.status).toBe(200);
		expect(stored(entry.id)).toEqual({ description: 'Bob: new words', revision: 2 });
		expect(
			server.query<{ title: string }>('SELECT title FROM entry WHERE id = ?', entry.id)[0].title
		).toBe('Merged and moved');
	});

	it('a form sent without a version (an older page) saves as before', async () => {
		const entry = await newEntry('No version');
		const saved = await bob.form('/admin/entries?/save', formOf(entry, { description: 'plain' }));
		expect(saved.status).toBe(200);
		expect(stored(entry.id)).toEqual({ description: 'plain', revision: 1 });
	});
});
