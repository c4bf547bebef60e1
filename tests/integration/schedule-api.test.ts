import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEntry, ApiEvent, ApiLocation } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, type TestStream } from '../helpers/stream';

/*
 * The schedule API (docs/api.md): /api/locations[/id] and /api/entries[/id] for every access
 * level, the events each change writes, and how `entry-update` reaches open streams of each
 * level (the update cut to the level, or the delete when the level may not see the entry).
 */

let server: TestServer;
const clients = {} as Record<AccessLevel, Client>;
let regularId: string;
let crewId: string;

beforeAll(async () => {
	server = await startServer();
	clients.admin = new Client(server.url);
	expect((await clients.admin.register('Organiser')).status).toBe(201);
	clients.public = new Client(server.url);
	clients.regular = new Client(server.url);
	regularId = (await (await clients.regular.register('Visitor')).json()).id;
	clients.crew = new Client(server.url);
	crewId = (await (await clients.crew.register('Stagehand')).json()).id;
	expect((await clients.admin.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' })).status).toBe(
		200
	);
	// Promotion ended the crew user's login's streams, not the login: the cookie still works.
	expect((await (await clients.crew.fetch('/api/auth/session')).json()).session.account.type).toBe(
		'crew'
	);
});
afterAll(() => server?.close());

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];
const admin = () => clients.admin;
const hour = 3_600_000;
const t0 = Date.UTC(2026, 6, 3, 10);

async function expectError(response: Response, status: number): Promise<string> {
	const text = await response.text();
	expect(response.status, text).toBe(status);
	const body = JSON.parse(text);
	expect(Object.keys(body)).toEqual(['message']);
	return body.message;
}

function headEventId(): number {
	return server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event')[0].id ?? 0;
}

function eventsSince(head: number): { type: string; data: Record<string, unknown> }[] {
	return server
		.query<{ type: string; data: string }>(
			'SELECT type, data FROM event WHERE id > ? ORDER BY id',
			head
		)
		.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}

async function newLocation(name: string): Promise<ApiLocation> {
	const response = await admin().json('/api/locations', 'POST', { name });
	expect(response.status).toBe(201);
	return response.json();
}

async function newEntry(fields: Partial<ApiEntry> = {}): Promise<ApiEntry> {
	const response = await admin().json('/api/entries', 'POST', {
		title: 'A talk',
		start: t0,
		end: t0 + hour,
		...fields
	});
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

const listFor = async (level: AccessLevel): Promise<ApiEntry[]> =>
	(await clients[level].fetch('/api/entries')).json();

async function streamFor(level: AccessLevel): Promise<TestStream> {
	const stream = await connectStream(server, {
		lastEventId: headEventId(),
		cookie: clients[level].cookieHeader || undefined
	});
	streams.push(stream);
	return stream;
}

describe('locations', () => {
	it('anyone lists and reads locations; an admin creates, renames and deletes one, each with its event', async () => {
		const head = headEventId();
		const hall = await newLocation('Main hall');
		expect(hall).toEqual({ id: expect.any(String), name: 'Main hall', description: '' });
		for (const level of levels) {
			const list = (await (await clients[level].fetch('/api/locations')).json()) as ApiLocation[];
			expect(list).toContainEqual(hall);
			expect(await (await clients[level].fetch(`/api/locations/${hall.id}`)).json()).toEqual(hall);
		}
		const renamed = await admin().json(`/api/locations/${hall.id}`, 'PATCH', {
			name: 'Great hall',
			description: 'Up the stairs'
		});
		expect(await renamed.json()).toEqual({
			...hall,
			name: 'Great hall',
			description: 'Up the stairs'
		});
		expect((await admin().fetch(`/api/locations/${hall.id}`, { method: 'DELETE' })).status).toBe(
			204
		);
		expect(eventsSince(head).map((e) => e.type)).toEqual([
			'location-update',
			'location-update',
			'location-delete'
		]);
		await expectError(await clients.public.fetch(`/api/locations/${hall.id}`), 404);
	});

	it('only admins change locations: 401 for the public, 403 for regular and crew', async () => {
		const hall = await newLocation('Guarded');
		const head = headEventId();
		for (const [level, status] of [
			['public', 401],
			['regular', 403],
			['crew', 403]
		] as const) {
			const c = clients[level];
			await expectError(await c.json('/api/locations', 'POST', { name: 'x' }), status);
			await expectError(await c.json(`/api/locations/${hall.id}`, 'PATCH', { name: 'x' }), status);
			await expectError(await c.fetch(`/api/locations/${hall.id}`, { method: 'DELETE' }), status);
		}
		expect(headEventId()).toBe(head);
	});

	it('a location used by an entry cannot be deleted: 409, until the entry moves', async () => {
		const stage = await newLocation('Stage');
		const entry = await newEntry({ locationId: stage.id });
		const message = await expectError(
			await admin().fetch(`/api/locations/${stage.id}`, { method: 'DELETE' }),
			409
		);
		expect(message).toMatch(/1 entry uses this location/);
		await admin().json(`/api/entries/${entry.id}`, 'PATCH', { locationId: null });
		expect((await admin().fetch(`/api/locations/${stage.id}`, { method: 'DELETE' })).status).toBe(
			204
		);
	});

	it('bad location input is a 400 naming the problem; unknown ids are 404', async () => {
		expect(await expectError(await admin().json('/api/locations', 'POST', {}), 400)).toBe(
			'name is required'
		);
		await expectError(await admin().json('/api/locations', 'POST', { name: '' }), 400);
		await expectError(await admin().json('/api/locations', 'POST', { name: 'x'.repeat(101) }), 400);
		await expectError(await admin().json('/api/locations', 'POST', { name: 'a', extra: 1 }), 400);
		await expectError(await admin().json('/api/locations/nope', 'PATCH', { name: 'a' }), 404);
		await expectError(await admin().json('/api/locations/nope', 'PATCH', {}), 400);
		await expectError(await admin().fetch('/api/locations/nope', { method: 'DELETE' }), 404);
	});
});

describe('entries', () => {
	it('each level lists exactly what it may see; crewNotes and interestedCount only for crew and admins', async () => {
		const made = {
			public: await newEntry({
				title: 'Open air',
				visibility: 'public',
				crewNotes: 'bring cables'
			}),
			crew: await newEntry({
				title: 'Build-up',
				visibility: 'crew',
				crewNotes: 'gloves',
				start: t0 + hour,
				end: t0 + 2 * hour
			}),
			draft: await newEntry({
				title: 'Secret guest',
				crewNotes: 'shh',
				start: t0 + 2 * hour,
				end: t0 + 3 * hour
			})
		};
		expect(made.draft.visibility).toBe('draft');
		const seen = async (level: AccessLevel) =>
			(await listFor(level)).filter((e) => Object.values(made).some((m) => m.id === e.id));
		// The version is for admins, who edit.
		const crewCut = (entry: ApiEntry): ApiEntry => {
			const cut = { ...entry };
			delete cut.version;
			return cut;
		};
		const publicCut = crewCut(made.public);
		delete publicCut.crewNotes;
		delete publicCut.interestedCount;
		expect(await seen('public')).toEqual([publicCut]);
		expect(await seen('regular')).toEqual([publicCut]);
		expect(await seen('crew')).toEqual([crewCut(made.public), crewCut(made.crew)]);
		expect(await seen('admin')).toEqual([made.public, made.crew, made.draft]);
	});

	it('GET /api/entries/[id] is 404 for an entry the level may not see, as for one that does not exist', async () => {
		const crewOnly = await newEntry({ visibility: 'crew' });
		const draft = await newEntry({ visibility: 'draft' });
		for (const level of levels) {
			const crewStatus = (await clients[level].fetch(`/api/entries/${crewOnly.id}`)).status;
			const draftStatus = (await clients[level].fetch(`/api/entries/${draft.id}`)).status;
			expect([level, crewStatus, draftStatus]).toEqual([
				level,
				level === 'crew' || level === 'admin' ? 200 : 404,
				level === 'admin' ? 200 : 404
			]);
			await expectError(await clients[level].fetch('/api/entries/no-such-id'), 404);
		}
	});

	it('only admins change entries: 401 for the public, 403 for regular and crew, nothing written', async () => {
		const entry = await newEntry({ visibility: 'public' });
		const head = headEventId();
		for (const [level, status] of [
			['public', 401],
			['regular', 403],
			['crew', 403]
		] as const) {
			const c = clients[level];
			await expectError(
				await c.json('/api/entries', 'POST', { title: 'x', start: t0, end: t0 + 1 }),
				status
			);
			await expectError(await c.json(`/api/entries/${entry.id}`, 'PATCH', { title: 'x' }), status);
			await expectError(await c.fetch(`/api/entries/${entry.id}`, { method: 'DELETE' }), status);
		}
		expect(headEventId()).toBe(head);
	});

	it('an admin edits and deletes an entry; each change writes one event and bumps its revision', async () => {
		const entry = await newEntry({ visibility: 'public' });
		const head = headEventId();
		const response = await admin().json(`/api/entries/${entry.id}`, 'PATCH', {
			title: 'A better talk',
			end: t0 + 2 * hour
		});
		expect(await response.json()).toEqual({
			...entry,
			title: 'A better talk',
			end: t0 + 2 * hour,
			version: 1
		});
		expect(server.query('SELECT revision FROM entry WHERE id = ?', entry.id)).toEqual([
			{ revision: 1 }
		]);
		expect((await admin().fetch(`/api/entries/${entry.id}`, { method: 'DELETE' })).status).toBe(
			204
		);
		expect(eventsSince(head).map((e) => [e.type, e.data.id])).toEqual([
			['entry-update', entry.id],
			['entry-delete', entry.id]
		]);
		await expectError(await admin().fetch(`/api/entries/${entry.id}`), 404);
		await expectError(await admin().fetch(`/api/entries/${entry.id}`, { method: 'DELETE' }), 404);
		await expectError(await admin().json(`/api/entries/${entry.id}`, 'PATCH', { title: 'x' }), 404);
	});

	it('bad entry input is a 400 naming the problem, and writes nothing', async () => {
		const entry = await newEntry();
		const head = headEventId();
		const post = (body: unknown) => admin().json('/api/entries', 'POST', body);
		const base = { title: 'ok', start: t0, end: t0 + hour };
		expect(await expectError(await post({ start: t0, end: t0 + 1 }), 400)).toBe(
			'title is required'
		);
		expect(await expectError(await post({ ...base, title: '' }), 400)).toMatch(/title/);
		expect(await expectError(await post({ ...base, title: 'x'.repeat(201) }), 400)).toMatch(
			/title/
		);
		expect((await post({ ...base, title: 'x'.repeat(200) })).status).toBe(201);
		expect(
			await expectError(await post({ ...base, description: 'x'.repeat(10_001) }), 400)
		).toMatch(/description/);
		expect(await expectError(await post({ ...base, end: t0 }), 400)).toBe(
			'end must be after start'
		);
		expect(await expectError(await post({ ...base, start: 'noon' }), 400)).toMatch(/start/);
		expect(await expectError(await post({ ...base, start: 1.5 }), 400)).toMatch(/start/);
		expect(await expectError(await post({ ...base, visibility: 'secret' }), 400)).toBe(
			'visibility must be public, crew or draft'
		);
		expect(await expectError(await post({ ...base, locationId: 'nowhere' }), 400)).toBe(
			'locationId names no location'
		);
		expect(await expectError(await post({ ...base, html: '<b>' }), 400)).toBe(
			'unknown field: html'
		);
		expect(await expectError(await post({ ...base, title: 'a\u0007b' }), 400)).toMatch(/control/);
		const patch = (body: unknown) => admin().json(`/api/entries/${entry.id}`, 'PATCH', body);
		expect(await expectError(await patch({}), 400)).toMatch(/nothing to change/);
		expect(await expectError(await patch({ end: entry.start }), 400)).toBe(
			'end must be after start'
		);
		expect(await expectError(await patch({ start: entry.end + 60_000 }), 400)).toBe(
			'end must be after start'
		);
		// Only the 200-character title, at the limit, was written.
		expect(eventsSince(head).map((e) => e.data.title)).toEqual(['x'.repeat(200)]);
	});

	it('text is kept as plain text: markup, emoji and line breaks come back as sent', async () => {
		const entry = await newEntry({
			title: '<script>alert(1)</script> 👩‍💻 & co',
			description: 'line one\r\nline two; with, punctuation'
		});
		expect(entry.title).toBe('<script>alert(1)</script> 👩‍💻 & co');
		expect(entry.description).toBe('line one\nline two; with, punctuation');
	});
});

describe('visibility transitions on open streams', () => {
	type Seen = { type: string; id: string; crewNotes?: string };
	const seenBy = (stream: TestStream, id: string): Seen[] =>
		stream.events
			.map((m) => m.event)
			.filter(
				(e): e is Extract<ApiEvent, { type: 'entry-update' | 'entry-delete' }> =>
					e.type === 'entry-update' || e.type === 'entry-delete'
			)
			.filter((e) => e.data.id === id)
			.map((e) =>
				e.type === 'entry-update'
					? { type: e.type, id: e.data.id, crewNotes: e.data.crewNotes }
					: { type: e.type, id: e.data.id }
			);

	it('public → draft → crew → public: each level gets the update cut to it, or the delete', async () => {
		const entry = await newEntry({ visibility: 'public', crewNotes: 'notes' });
		const open = Object.fromEntries(
			await Promise.all(levels.map(async (level) => [level, await streamFor(level)] as const))
		) as Record<AccessLevel, TestStream>;
		for (const visibility of ['draft', 'crew', 'public'] as const) {
			const response = await admin().json(`/api/entries/${entry.id}`, 'PATCH', { visibility });
			expect(response.status).toBe(200);
		}
		const head = headEventId();
		await Promise.all(levels.map((level) => open[level].waitForEvent(head)));
		const update = (crewNotes?: string) => ({ type: 'entry-update', id: entry.id, crewNotes });
		const remove = { type: 'entry-delete', id: entry.id };
		expect(seenBy(open.public, entry.id)).toEqual([remove, remove, update()]);
		expect(seenBy(open.regular, entry.id)).toEqual([remove, remove, update()]);
		expect(seenBy(open.crew, entry.id)).toEqual([remove, update('notes'), update('notes')]);
		expect(seenBy(open.admin, entry.id)).toEqual([
			update('notes'),
			update('notes'),
			update('notes')
		]);
	});

	it('a regular user promoted to crew has its stream closed with access-changed; its new stream and list show crew entries', async () => {
		const client = new Client(server.url);
		const id = (await (await client.register('Promoted')).json()).id;
		const crewEntry = await newEntry({ visibility: 'crew', crewNotes: 'for crew' });
		const before = await connectStream(server, { cookie: client.cookieHeader });
		streams.push(before);
		expect(
			(await (await client.fetch('/api/entries')).json()).map((e: ApiEntry) => e.id)
		).not.toContain(crewEntry.id);
		await admin().json(`/api/users/${id}`, 'PATCH', { type: 'crew' });
		expect(await before.waitForClose()).toEqual({ code: 4001, reason: 'access-changed' });
		const list = (await (await client.fetch('/api/entries')).json()) as ApiEntry[];
		expect(list.find((e) => e.id === crewEntry.id)?.crewNotes).toBe('for crew');
		const after = await connectStream(server, {
			lastEventId: headEventId(),
			cookie: client.cookieHeader
		});
		streams.push(after);
		await admin().json(`/api/entries/${crewEntry.id}`, 'PATCH', { title: 'Crew briefing' });
		await after.waitForEvent(headEventId());
		expect(seenBy(after, crewEntry.id)).toEqual([
			{ type: 'entry-update', id: crewEntry.id, crewNotes: 'for crew' }
		]);
		// And back: demoted to regular, the same entry is no longer theirs to see.
		await admin().json(`/api/users/${id}`, 'PATCH', { type: 'regular' });
		expect(await after.waitForClose()).toEqual({ code: 4001, reason: 'access-changed' });
		await expectError(await client.fetch(`/api/entries/${crewEntry.id}`), 404);
	});

	it('locations reach every level', async () => {
		const open = await Promise.all(levels.map((level) => streamFor(level)));
		const hall = await newLocation('Tent');
		await Promise.all(open.map((s) => s.waitForEvent(headEventId())));
		for (const stream of open) {
			expect(stream.events.map((m) => m.event)).toContainEqual({
				type: 'location-update',
				data: hall
			});
		}
	});

	it('a stream that reconnects after missing changes replays them cut to its level', async () => {
		const entry = await newEntry({ visibility: 'crew', crewNotes: 'n' });
		const cursor = headEventId();
		await admin().json(`/api/entries/${entry.id}`, 'PATCH', { visibility: 'draft' });
		const crew = await connectStream(server, {
			lastEventId: cursor,
			cookie: clients.crew.cookieHeader
		});
		const pub = await connectStream(server, { lastEventId: cursor });
		streams.push(crew, pub);
		await crew.waitForEvent(headEventId());
		await pub.waitForEvent(headEventId());
		expect(seenBy(crew, entry.id)).toEqual([{ type: 'entry-delete', id: entry.id }]);
		expect(seenBy(pub, entry.id)).toEqual([{ type: 'entry-delete', id: entry.id }]);
		void regularId;
	});
});
