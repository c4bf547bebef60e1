import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiScheduleChange } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

/*
 * What changed: every change the public sees is kept with what it was before (new, moved,
 * location changed, retitled, cancelled), listed on /changes (no JavaScript needed), at
 * /api/changes, in the Atom feed /changes.atom and on the entry's page. Nothing crew or admins
 * alone see makes a change.
 */

const server = serverForSuite();
let admin: Client;
const visitor = () => new Client(server.url);

const hour = 3_600_000;
const start = Date.UTC(2031, 6, 4, 12);

async function send<T>(path: string, method: string, body?: unknown): Promise<T> {
	const response = await admin.json(path, method, body);
	expect(response.status, await response.clone().text()).toBeLessThan(300);
	return (method === 'DELETE' ? undefined : await response.json()) as T;
}
const createEntry = (fields: Partial<ApiEntry>) =>
	send<ApiEntry>('/api/entries', 'POST', { title: 'Talk', start, end: start + hour, ...fields });
const editEntry = (id: string, fields: Partial<ApiEntry> & { crewNotes?: string }) =>
	send<ApiEntry>(`/api/entries/${id}`, 'PATCH', fields);

async function changes(
	query = ''
): Promise<{ changes: ApiScheduleChange[]; older: number | null }> {
	const response = await visitor().fetch(`/api/changes${query}`);
	expect(response.status).toBe(200);
	return response.json();
}
const latest = async () => (await changes()).changes[0];
const kinds = (change: ApiScheduleChange) => change.what.map((part) => part.kind);

let hallA: string;
let hallB: string;

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
	await admin.setUp();
	await send('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' });
	hallA = (await send<{ id: string }>('/api/locations', 'POST', { name: 'Hall A' })).id;
	hallB = (await send<{ id: string }>('/api/locations', 'POST', { name: 'Hall B' })).id;
});

describe('a change the public sees', () => {
	it('is kept with what it was before, newest first, and nothing else is', async () => {
		const before = (await changes()).changes.length;
		const draft = await createEntry({ title: 'Opening', locationId: hallA });
		await editEntry(draft.id, { title: 'Opening night' });
		await createEntry({ title: 'Crew briefing', visibility: 'crew' });
		expect((await changes()).changes).toHaveLength(before);

		await editEntry(draft.id, { visibility: 'public' });
		const published = await latest();
		expect(published).toMatchObject({
			entryId: draft.id,
			title: 'Opening night',
			start,
			end: start + hour,
			location: 'Hall A',
			what: [{ kind: 'new' }]
		});

		await editEntry(draft.id, { crewNotes: 'bring the keys' });
		expect((await latest()).id).toBe(published.id);

		await editEntry(draft.id, {
			start: start + 2 * hour,
			end: start + 3 * hour,
			locationId: hallB,
			title: 'Grand opening'
		});
		expect((await latest()).what).toEqual([
			{
				kind: 'moved',
				from: { start, end: start + hour },
				to: { start: start + 2 * hour, end: start + 3 * hour }
			},
			{ kind: 'location-changed', from: 'Hall A', to: 'Hall B' },
			{ kind: 'retitled', from: 'Opening night', to: 'Grand opening' }
		]);

		await editEntry(draft.id, { description: 'Doors at seven.' });
		expect(kinds(await latest())).toEqual(['description-changed']);

		await editEntry(draft.id, { visibility: 'crew' });
		expect(await latest()).toMatchObject({ title: 'Grand opening', what: [{ kind: 'cancelled' }] });

		const closing = await createEntry({
			title: 'Closing',
			visibility: 'public',
			locationId: hallA
		});
		expect(kinds(await latest())).toEqual(['new']);
		await send(`/api/entries/${closing.id}`, 'DELETE');
		expect(await latest()).toMatchObject({
			entryId: closing.id,
			title: 'Closing',
			location: 'Hall A',
			what: [{ kind: 'cancelled' }]
		});

		const list = (await changes()).changes;
		expect(list.map((change) => change.id)).toEqual(
			[...list.map((change) => change.id)].sort((a, b) => b - a)
		);
	});

	it('includes a location renamed, since every public entry there shows its new name', async () => {
		await send(`/api/locations/${hallB}`, 'PATCH', { name: 'Main hall' });
		expect(await latest()).toMatchObject({
			entryId: null,
			title: 'Main hall',
			what: [{ kind: 'location-renamed', from: 'Hall B', to: 'Main hall' }]
		});
		await send(`/api/locations/${hallB}`, 'PATCH', { description: 'Upstairs' });
		expect(kinds(await latest())).toEqual(['location-renamed']);
	});
});

describe('/changes', () => {
	it('lists the changes without JavaScript, in the gathering’s time zone, each with its anchor', async () => {
		const entry = await createEntry({ title: 'Sunrise <yoga>', visibility: 'public' });
		await editEntry(entry.id, { start: start + 6 * hour, end: start + 7 * hour });
		const { id } = await latest();
		const response = await visitor().fetch('/changes', { headers: { accept: 'text/html' } });
		expect(response.status).toBe(200);
		const html = await response.text();
		const item = html.slice(
			html.indexOf(`id="change-${id}"`),
			html.indexOf('</li>', html.indexOf(`id="change-${id}"`) + 1000)
		);
		// 12:00 UTC on 4 July is 14:00 in Berlin.
		expect(item).toContain('Moved from Fri 4 Jul, 14:00–15:00 to Fri 4 Jul, 20:00–21:00.');
		expect(item).toContain(`entries/${entry.id}"`);
		expect(html).toContain('Sunrise &lt;yoga>');
		expect(html).toContain('Times are in Europe/Berlin');
		expect(html).toContain('changes.atom" data-testid="changes-feed"');
		expect(html.indexOf(`id="change-${id}"`)).toBeLessThan(html.indexOf(`id="change-${id - 1}"`));
	});

	it('pages back with ?before, and refuses a before that is no id', async () => {
		const all = (await changes()).changes;
		const page = await changes(`?before=${all[1].id}`);
		expect(page.changes.map((change) => change.id)).toEqual(
			all.slice(2).map((change) => change.id)
		);
		for (const bad of ['0', '-1', 'x', '1e3', '99999999999999999']) {
			expect((await visitor().fetch(`/api/changes?before=${bad}`)).status).toBe(400);
			expect((await visitor().fetch(`/changes?before=${bad}`)).status).toBe(400);
		}
	});

	it('offers a link to older changes past a hundred', async () => {
		const entry = await createEntry({ title: 'Busy', visibility: 'public' });
		for (let i = 1; i <= 100; i++) await editEntry(entry.id, { title: `Busy ${i}` });
		const first = await changes();
		expect(first.changes).toHaveLength(100);
		expect(first.older).toBe(first.changes[99].id);
		const html = await (await visitor().fetch('/changes')).text();
		expect(html).toContain(`changes?before=${first.older}" data-testid="older-changes"`);
		const second = await changes(`?before=${first.older}`);
		expect(second.changes[0].id).toBeLessThan(first.older!);
	});
});

describe('the Atom feed', () => {
	const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
	const feed = (headers: Record<string, string> = {}) =>
		visitor().fetch('/changes.atom', { headers });

	it('is a valid Atom document of the latest changes, with validators', async () => {
		const entry = await createEntry({ title: 'Fish & chips', visibility: 'public' });
		await editEntry(entry.id, { title: 'Fish & chips (vegan too)' });
		const response = await feed();
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
		const text = await response.text();
		expect(XMLValidator.validate(text)).toBe(true);
		const root = parser.parse(text).feed;
		expect(root['@xmlns']).toBe('http://www.w3.org/2005/Atom');
		expect(root.title).toBe('Tidewatch: schedule changes');
		const entries = [root.entry].flat();
		expect(entries).toHaveLength(100);
		const { id } = await latest();
		expect(entries[0]).toMatchObject({
			id: `${server.url}/changes#change-${id}`,
			title: 'Retitled: Fish & chips (vegan too)',
			link: { '@href': `${server.url}/entries/${entry.id}` }
		});
		expect(entries[0].content['#text']).toContain('Retitled; it was “Fish & chips”.');
		expect(root.updated).toBe(entries[0].updated);

		const etag = response.headers.get('etag')!;
		expect((await feed({ 'if-none-match': etag })).status).toBe(304);
		await editEntry(entry.id, { crewNotes: 'fryer' });
		expect((await feed({ 'if-none-match': etag })).status).toBe(304);
		await send(`/api/entries/${entry.id}`, 'DELETE');
		const after = await feed({ 'if-none-match': etag });
		expect(after.status).toBe(200);
		const gone = [parser.parse(await after.text()).feed.entry].flat()[0];
		expect(gone.title).toBe('Cancelled: Fish & chips (vegan too)');
		expect(gone.link['@href']).toBe(gone.id);
	});
});

describe('an entry’s page', () => {
	it('lists what the public saw change of it', async () => {
		const entry = await createEntry({ title: 'Quiz', visibility: 'public', locationId: hallA });
		await editEntry(entry.id, { locationId: hallB });
		const html = await (await visitor().fetch(`/entries/${entry.id}`)).text();
		const history = html.slice(html.indexOf('data-testid="entry-history"'));
		expect(history).toContain('Location changed from Hall A to Main hall.');
		expect(history).toContain('New on the schedule.');
		expect(history.indexOf('Location changed')).toBeLessThan(history.indexOf('New on'));
	});
});
