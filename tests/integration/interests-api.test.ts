import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEntry, ApiEvent } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, type TestStream } from '../helpers/stream';

/*
 * Interests and personal calendar feeds (docs/api.md): marking for every access level, the
 * personal event reaching only its user's streams (every tab), the interested count reaching
 * crew and admins only, entries that become invisible, and the secret feed URL: its contents,
 * conditional GET, and how it stops working (revoked, replaced, password changed or reset,
 * user deleted).
 */

let server: TestServer;
const clients = {} as Record<AccessLevel, Client>;
const ids = {} as Record<AccessLevel, string>;
let other: Client;

beforeAll(async () => {
	server = await startServer();
	clients.admin = new Client(server.url);
	ids.admin = (await (await clients.admin.register('Organiser')).json()).id;
	clients.public = new Client(server.url);
	for (const [level, name] of [
		['regular', 'Visitor'],
		['crew', 'Stagehand']
	] as const) {
		clients[level] = new Client(server.url);
		ids[level] = (await (await clients[level].register(name)).json()).id;
	}
	await clients.admin.json(`/api/users/${ids.crew}`, 'PATCH', { type: 'crew' });
	other = new Client(server.url);
	await other.register('Other visitor');
});
afterAll(() => server?.close());

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];
const hour = 3_600_000;
const t0 = Date.UTC(2031, 6, 3, 10);
const headEventId = () =>
	server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event')[0].id ?? 0;

async function newEntry(fields: Partial<ApiEntry> = {}): Promise<ApiEntry> {
	const response = await clients.admin.json('/api/entries', 'POST', {
		title: 'A talk',
		start: t0,
		end: t0 + hour,
		visibility: 'public',
		...fields
	});
	expect(response.status).toBe(201);
	return response.json();
}

const mark = (client: Client, entryId: string, on = true) =>
	client.fetch(`/api/auth/account/interests/${entryId}`, { method: on ? 'PUT' : 'DELETE' });
const marked = async (client: Client): Promise<string[]> =>
	(await (await client.fetch('/api/auth/account/interests')).json()).entryIds;

async function open(client: Client): Promise<TestStream> {
	const stream = await connectStream(server, {
		lastEventId: headEventId(),
		cookie: client.cookieHeader || undefined
	});
	streams.push(stream);
	return stream;
}

let markers = 0;

/** Writes a public event and waits until every stream has it: by then each got all it will. */
async function settle(open: TestStream[]): Promise<void> {
	// A new name each time: location names are unique.
	const created = await clients.admin.json('/api/locations', 'POST', {
		name: `Marker ${++markers}`
	});
	expect(created.status).toBe(201);
	const head = headEventId();
	await Promise.all(open.map((stream) => stream.waitForEvent(head)));
}

const typesOf = (stream: TestStream) => stream.events.map((m) => m.event.type);

describe('marking entries', () => {
	it('any logged-in user marks and unmarks what they may see; the public gets 401', async () => {
		const entry = await newEntry();
		expect((await clients.public.fetch('/api/auth/account/interests')).status).toBe(401);
		expect((await mark(clients.public, entry.id)).status).toBe(401);
		for (const level of ['regular', 'crew', 'admin'] as const) {
			const response = await mark(clients[level], entry.id);
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ entryId: entry.id, interested: true });
			expect(await marked(clients[level])).toContain(entry.id);
			// Again: nothing changes, and no event is written.
			const head = headEventId();
			expect((await mark(clients[level], entry.id)).status).toBe(200);
			expect(headEventId()).toBe(head);
		}
		const off = await mark(clients.regular, entry.id, false);
		expect(await off.json()).toEqual({ entryId: entry.id, interested: false });
		expect(await marked(clients.regular)).not.toContain(entry.id);
		expect((await mark(clients.regular, entry.id, false)).status).toBe(200);
	});

	it('an entry the caller may not see is a 404, as one that does not exist', async () => {
		const crewOnly = await newEntry({ visibility: 'crew' });
		const draft = await newEntry({ visibility: 'draft' });
		for (const [level, crewStatus, draftStatus] of [
			['regular', 404, 404],
			['crew', 200, 404],
			['admin', 200, 200]
		] as const) {
			expect((await mark(clients[level], crewOnly.id)).status, level).toBe(crewStatus);
			expect((await mark(clients[level], draft.id)).status, level).toBe(draftStatus);
			const response = await mark(clients[level], 'no-such-entry');
			expect(response.status).toBe(404);
			expect(await response.json()).toEqual({ message: 'no such entry' });
		}
	});

	it('an entry that becomes invisible leaves the list, and comes back when it is shown again', async () => {
		const entry = await newEntry();
		await mark(clients.regular, entry.id);
		await clients.admin.json(`/api/entries/${entry.id}`, 'PATCH', { visibility: 'crew' });
		expect(await marked(clients.regular)).not.toContain(entry.id);
		const page = await clients.regular.fetch('/my');
		expect(page.status).toBe(200);
		await clients.admin.json(`/api/entries/${entry.id}`, 'PATCH', { visibility: 'public' });
		expect(await marked(clients.regular)).toContain(entry.id);
		// A deleted entry takes its marks with it.
		await clients.admin.fetch(`/api/entries/${entry.id}`, { method: 'DELETE' });
		expect(server.query('SELECT 1 FROM interest WHERE entry_id = ?', entry.id)).toEqual([]);
	});
});

describe('who hears of a mark', () => {
	it('interest-update reaches every open tab of its user and nobody else', async () => {
		const entry = await newEntry();
		const tabs = [await open(clients.regular), await open(clients.regular)];
		const others = [
			await open(clients.public),
			await open(other),
			await open(clients.crew),
			await open(clients.admin)
		];
		await mark(clients.regular, entry.id);
		await mark(clients.regular, entry.id, false);
		await settle([...tabs, ...others]);
		const personal = (stream: TestStream) =>
			stream.events.map((m) => m.event).filter((e) => e.type === 'interest-update');
		for (const tab of tabs) {
			expect(personal(tab)).toEqual([
				{ type: 'interest-update', data: { entryId: entry.id, interested: true } },
				{ type: 'interest-update', data: { entryId: entry.id, interested: false } }
			]);
		}
		for (const stream of others) expect(personal(stream)).toEqual([]);
	});

	it('a mark on an entry shown again reaches a page loaded while it was hidden, live and on replay', async () => {
		const entry = await newEntry();
		await mark(clients.regular, entry.id);
		await clients.admin.json(`/api/entries/${entry.id}`, 'PATCH', { visibility: 'draft' });
		// A page loaded now holds no mark for it, and opens its stream from here.
		expect(await marked(clients.regular)).not.toContain(entry.id);
		const loadedAt = headEventId();
		const live = await open(clients.regular);
		const bystanders = [await open(other), await open(clients.public)];
		await clients.admin.json(`/api/entries/${entry.id}`, 'PATCH', { visibility: 'public' });
		const replayed = await connectStream(server, {
			lastEventId: loadedAt,
			cookie: clients.regular.cookieHeader
		});
		streams.push(replayed);
		await settle([live, replayed, ...bystanders]);
		const personal = (stream: TestStream) =>
			stream.events.map((m) => m.event).filter((e) => e.type === 'interest-update');
		for (const stream of [live, replayed]) {
			expect(personal(stream)).toEqual([
				{ type: 'interest-update', data: { entryId: entry.id, interested: true } }
			]);
		}
		for (const stream of bystanders) expect(personal(stream)).toEqual([]);
	});

	it('crew and admins see interestedCount live; the public and regular users never see a count', async () => {
		const entry = await newEntry();
		expect(entry.interestedCount).toBe(0);
		const open4 = Object.fromEntries(
			await Promise.all(levels.map(async (level) => [level, await open(clients[level])] as const))
		) as Record<AccessLevel, TestStream>;
		await mark(clients.regular, entry.id);
		await mark(other, entry.id);
		await mark(clients.crew, entry.id);
		await settle(Object.values(open4));
		const counts = (stream: TestStream) =>
			stream.events
				.map((m) => m.event)
				.filter(
					(e): e is Extract<ApiEvent, { type: 'entry-interest-count' }> =>
						e.type === 'entry-interest-count' && e.data.id === entry.id
				)
				.map((e) => e.data.interestedCount);
		// The count alone, not the entry: a mark can be toggled often.
		expect(
			open4.crew.events.find((m) => m.event.type === 'entry-interest-count')?.event.data
		).toEqual({ id: entry.id, interestedCount: 1 });
		expect(counts(open4.crew)).toEqual([1, 2, 3]);
		expect(counts(open4.admin)).toEqual([1, 2, 3]);
		// Nothing they see changed: they receive nothing at all for it.
		expect(counts(open4.public)).toEqual([]);
		expect(counts(open4.regular)).toEqual([]);
		expect(typesOf(open4.public)).toEqual(['location-update']);
		for (const level of levels) {
			const seen = (await (
				await clients[level].fetch(`/api/entries/${entry.id}`)
			).json()) as ApiEntry;
			expect(seen.interestedCount, level).toBe(
				level === 'crew' || level === 'admin' ? 3 : undefined
			);
			const html = await (await clients[level].fetch(`/entries/${entry.id}`)).text();
			expect(html.includes('interestedCount'), level).toBe(level === 'crew' || level === 'admin');
		}
	});

	it('deleting a user deletes their marks, and crew see the counts drop', async () => {
		const entry = await newEntry();
		const leaver = new Client(server.url);
		const leaverId = (await (await leaver.register('Leaving visitor')).json()).id;
		await mark(leaver, entry.id);
		const crewStream = await open(clients.crew);
		const response = await clients.admin.fetch(`/api/users/${leaverId}`, { method: 'DELETE' });
		expect(response.status).toBe(204);
		expect(server.query('SELECT 1 FROM interest WHERE user_id = ?', leaverId)).toEqual([]);
		await settle([crewStream]);
		const update = crewStream.events.find(
			(m) => m.event.type === 'entry-interest-count' && m.event.data.id === entry.id
		);
		expect(update?.event).toEqual({
			type: 'entry-interest-count',
			data: { id: entry.id, interestedCount: 0 }
		});
	});
});

describe('personal calendar feeds', () => {
	const feedOf = async (client: Client) => {
		const response = await client.fetch('/api/auth/account/calendar', { method: 'POST' });
		expect(response.status).toBe(201);
		const body = (await response.json()) as { url: string; createdAt: number };
		expect(body.url).toMatch(new RegExp(`^${server.url}/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
		return body.url.slice(server.url.length);
	};
	const read = (path: string, headers: Record<string, string> = {}) =>
		fetch(server.url + path, { headers });
	const summaries = async (path: string) => {
		const response = await read(path);
		expect(response.status).toBe(200);
		const vcalendar = new ICAL.Component(ICAL.parse(await response.text()));
		return vcalendar
			.getAllSubcomponents('vevent')
			.map((v) => new ICAL.Event(v))
			.map((e) => [e.uid, e.summary]);
	};

	it('holds the marked entries the user may see and, for crew, their shifts; it needs no cookie', async () => {
		const talk = await newEntry({ title: 'Marked talk', start: t0 + 5 * hour, end: t0 + 6 * hour });
		const hidden = await newEntry({
			title: 'Soon hidden',
			start: t0 + 7 * hour,
			end: t0 + 8 * hour
		});
		await newEntry({ title: 'Not marked' });
		const shift = await (
			await clients.admin.json('/api/shifts', 'POST', {
				role: 'Bar',
				start: t0 + 2 * hour,
				end: t0 + 4 * hour,
				needed: 1,
				crewIds: [ids.crew]
			})
		).json();
		await mark(clients.crew, talk.id);
		await mark(clients.crew, hidden.id);
		await clients.admin.json(`/api/entries/${hidden.id}`, 'PATCH', { visibility: 'draft' });
		const path = await feedOf(clients.crew);
		const mine = [`shift-${shift.id}@tidewatch`, `${talk.id}@tidewatch`, `${hidden.id}@tidewatch`];
		// Earlier tests marked other entries for crew: only these are this test's.
		expect((await summaries(path)).filter(([uid]) => mine.includes(uid))).toEqual([
			[`shift-${shift.id}@tidewatch`, 'Shift: Bar'],
			[`${talk.id}@tidewatch`, 'Marked talk']
		]);
		const response = await read(path);
		expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
		expect(response.headers.get('cache-control')).toBe('private, no-cache');
		// A regular user's feed holds their marks only.
		await mark(clients.regular, talk.id);
		expect((await summaries(await feedOf(clients.regular))).map(([, s]) => s)).toContain(
			'Marked talk'
		);
	});

	it('answers 304 to a current copy and 200 once the plan changes (ETag and Last-Modified)', async () => {
		const client = new Client(server.url);
		await client.register('Poller');
		const path = await feedOf(client);
		const first = await read(path);
		const etag = first.headers.get('etag')!;
		const lastModified = first.headers.get('last-modified')!;
		// Weak: fetch asks for gzip and the feed came compressed.
		expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
		expect((await read(path, { 'if-none-match': etag })).status).toBe(304);
		expect((await read(path, { 'if-modified-since': lastModified })).status).toBe(304);
		// A second passes, so Last-Modified (to the second) can move.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const entry = await newEntry({ title: 'New plan' });
		await mark(client, entry.id);
		const after = await read(path, { 'if-none-match': etag });
		expect(after.status).toBe(200);
		expect(after.headers.get('etag')).not.toBe(etag);
		expect((await read(path, { 'if-modified-since': lastModified })).status).toBe(200);
	});

	it('stops at once when revoked, replaced, after a password change or reset, and with its user', async () => {
		const client = new Client(server.url);
		const id = (await (await client.register('Revoker')).json()).id;
		const revoked = await feedOf(client);
		expect((await client.fetch('/api/auth/account/calendar', { method: 'DELETE' })).status).toBe(
			204
		);
		expect((await read(revoked)).status).toBe(404);
		// A new one replaces the old.
		const first = await feedOf(client);
		const second = await feedOf(client);
		expect((await read(first)).status).toBe(404);
		expect((await read(second)).status).toBe(200);
		// A password change ends it, as it ends every session.
		await client.json('/api/auth/account', 'PATCH', {
			password: 'a-new-password-1',
			currentPassword: 'password123'
		});
		expect((await read(second)).status).toBe(404);
		// So does a reset through a link.
		const third = await feedOf(client);
		const reset = await (
			await clients.admin.json(`/api/users/${id}/password-reset`, 'POST', {})
		).json();
		const token = new URL(reset.url).searchParams.get('token');
		const used = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
			token,
			password: 'another-password-2'
		});
		expect(used.status).toBe(200);
		expect((await read(third)).status).toBe(404);
		// And deleting the user.
		const fresh = new Client(server.url);
		await fresh.login('Revoker', 'another-password-2');
		const fourth = await feedOf(fresh);
		expect((await read(fourth)).status).toBe(200);
		await clients.admin.fetch(`/api/users/${id}`, { method: 'DELETE' });
		expect((await read(fourth)).status).toBe(404);
		// Only the hash is stored: the secret is nowhere in the database.
		const secret = fourth.slice('/calendar/'.length, -'.ics'.length);
		expect(server.query('SELECT 1 FROM calendar_feed WHERE token_hash = ?', secret)).toEqual([]);
		expect((await read('/calendar/not-a-token.ics')).status).toBe(404);
		expect(
			(await clients.public.fetch('/api/auth/account/calendar', { method: 'POST' })).status
		).toBe(401);
	});
});
