import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../src/lib/api';
import { hashSessionToken } from '../../src/lib/server/auth/token';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, type CloseInfo, type TestStream } from '../helpers/stream';
import { sleep } from '../helpers/wait';

/*
 * The users API (GET/PATCH/DELETE /api/users[/id]) and the account API (PATCH/DELETE
 * /api/auth/account, GET /api/auth/sessions, DELETE /api/auth/sessions/[id]) against the real
 * built server, with the 4001 stream closes these endpoints trigger (docs/stream.md, docs/security.md, docs/api.md).
 *
 * One server for the whole file. Its first user is the only admin unless a test says otherwise;
 * every other test makes fresh users with names of their own.
 */

const PASSWORD = 'password123';
const COOKIE = 'tidewatch_session';

let server: TestServer;
/** The first user ever registered on this server: the admin. */
let admin: Client;
let adminId: string;

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url, 'admin-agent');
	const response = await admin.register('Admiral');
	expect(response.status).toBe(201);
	const account = await response.json();
	expect(account.type).toBe('admin');
	adminId = account.id;
});
afterAll(() => server?.close());

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

// ---------------------------------------------------------------------------------------------
// helpers

let seq = 0;
/** A name no other test uses. */
const fresh = (base: string) => `${base}${++seq}`;

interface TestUser {
	client: Client;
	id: string;
	name: string;
}

/** Registers a new (regular) user; `userAgent` tells its login apart in the sessions list. */
async function newUser(base: string, userAgent = 'tidewatch-test'): Promise<TestUser> {
	const client = new Client(server.url, userAgent);
	const name = fresh(base);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	const account = await response.json();
	expect(account.type).toBe('regular');
	return { client, id: account.id, name };
}

/** A second login of an existing user, as another browser. */
async function loginAgain(user: TestUser, userAgent = 'second-browser', password = PASSWORD) {
	const client = new Client(server.url, userAgent);
	const response = await client.login(user.name, password);
	expect(response.status).toBe(200);
	return client;
}

/** The admin gives a user a type; the happy path is tested on its own below. */
async function setType(user: TestUser, type: 'regular' | 'crew' | 'admin') {
	const response = await admin.json(`/api/users/${user.id}`, 'PATCH', { type });
	expect(response.status).toBe(200);
}

async function newCrew(base: string): Promise<TestUser> {
	const user = await newUser(base);
	await setType(user, 'crew');
	return user;
}

const sessionCookie = (client: Client) => client.cookies.get(COOKIE);

/** Asserts a JSON error `{ message }` with this status, and returns the message. */
async function expectError(response: Response, status: number): Promise<string> {
	const text = await response.text();
	expect(response.status, text).toBe(status);
	expect(response.headers.get('content-type') ?? '').toMatch(/^application\/json/);
	const body = JSON.parse(text);
	expect(Object.keys(body)).toEqual(['message']);
	expect(typeof body.message).toBe('string');
	expect(body.message.length).toBeGreaterThan(0);
	return body.message;
}

function headEventId(): number {
	const [row] = server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event');
	return row.id ?? 0;
}

/** The events written after `head`, data parsed. */
function eventsSince(head: number): { type: string; data: unknown }[] {
	return server
		.query<{ type: string; data: string }>(
			'SELECT type, data FROM event WHERE id > ? ORDER BY id',
			head
		)
		.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}

/** The one event of this type written after `head` (fails when there are none or several). */
function onlyEventSince(head: number, type: string): unknown {
	const matching = eventsSince(head).filter((event) => event.type === type);
	expect(matching, `${type} events since ${head}`).toHaveLength(1);
	return matching[0].data;
}

function lastEvent(): { id: number; type: string; data: string } {
	const [row] = server.query<{ id: number; type: string; data: string }>(
		'SELECT id, type, data FROM event ORDER BY id DESC LIMIT 1'
	);
	return row;
}

/** Users and sessions as they stand, without the columns that every request touches. */
function snapshot() {
	return {
		users: server.query('SELECT id, name, type, created_at, password_hash FROM "user" ORDER BY id'),
		sessions: server.query('SELECT id, user_id, family FROM session ORDER BY id'),
		head: headEventId()
	};
}

/** Runs a request that must be refused, and checks that it changed no row and wrote no event. */
async function refused(status: number, request: () => Promise<Response>): Promise<string> {
	const before = snapshot();
	const message = await expectError(await request(), status);
	expect(snapshot()).toEqual(before);
	return message;
}

function sessionCount(userId: string): number {
	return server.query<{ n: number }>(
		'SELECT COUNT(*) AS n FROM session WHERE user_id = ?',
		userId
	)[0].n;
}

function adminCount(): number {
	return server.query<{ n: number }>('SELECT COUNT(*) AS n FROM "user" WHERE type = \'admin\'')[0]
		.n;
}

/** Opens a stream with the client's session, from the current head. */
async function streamOf(client: Client): Promise<TestStream> {
	const stream = await connectStream(server, {
		cookie: client.cookieHeader,
		lastEventId: headEventId()
	});
	streams.push(stream);
	const first = stream.messages[0] as StreamMessage;
	expect(first.type).toBe('connected');
	return stream;
}

/** The account a stream was opened as (from its `connected` message). */
function streamAccountId(stream: TestStream): string | undefined {
	const first = stream.messages[0] as StreamMessage;
	return first.type === 'connected' ? first.session?.account.id : undefined;
}

/** Resolves with the close, or fails when the stream is still open `ms` later. */
function closedWithin(stream: TestStream, ms = 1000): Promise<CloseInfo> {
	let timer: NodeJS.Timeout;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`the stream was not closed within ${ms} ms`)), ms);
	});
	return Promise.race([stream.closed, timeout]).finally(() => clearTimeout(timer));
}

/** Gives a wrongly sent close time to arrive, then asserts the stream is still open. */
async function expectStillOpen(stream: TestStream) {
	await sleep(300);
	expect(stream.closeInfo).toBeNull();
	expect(stream.ws.readyState).toBe(WebSocket.OPEN);
}

function accountStatus(client: Client): Promise<number> {
	return client.fetch('/api/auth/account').then((response) => {
		void response.body?.cancel();
		return response.status;
	});
}

/** The account endpoint as presented with a raw token, bypassing any cookie jar. */
async function accountStatusWithToken(token: string): Promise<number> {
	const response = await fetch(server.url + '/api/auth/account', {
		headers: { cookie: `${COOKIE}=${token}` }
	});
	void response.body?.cancel();
	return response.status;
}

const apiUserKeys = ['createdAt', 'id', 'name', 'type'];
const adminUserKeys = [...apiUserKeys, 'lastSeenAt', 'suspended'].sort();

// ---------------------------------------------------------------------------------------------

describe('the last admin', () => {
	it('cannot demote themself: 409, nothing changes, no event', async () => {
		expect(adminCount(), 'precondition: Admiral is the only admin').toBe(1);
		for (const type of ['regular', 'crew']) {
			const message = await refused(409, () =>
				admin.json(`/api/users/${adminId}`, 'PATCH', { type })
			);
			expect(message).toMatch(/last admin/);
		}
		// A rename in the same request is refused with it: the change is all or nothing.
		await refused(409, () =>
			admin.json(`/api/users/${adminId}`, 'PATCH', { name: fresh('Renamed'), type: 'regular' })
		);
		expect(await (await admin.fetch('/api/auth/account')).json()).toMatchObject({
			name: 'Admiral',
			type: 'admin'
		});
	});

	it('cannot delete themself through DELETE /api/users/[id]: 409, nothing changes', async () => {
		expect(adminCount(), 'precondition: Admiral is the only admin').toBe(1);
		const message = await refused(409, () => admin.json(`/api/users/${adminId}`, 'DELETE'));
		expect(message).toMatch(/last admin/);
		expect(await accountStatus(admin)).toBe(200);
	});

	it('cannot delete their account through DELETE /api/auth/account: 409, nothing changes', async () => {
		expect(adminCount(), 'precondition: Admiral is the only admin').toBe(1);
		await refused(409, () =>
			admin.json('/api/auth/account', 'DELETE', { currentPassword: PASSWORD })
		);
		expect(sessionCookie(admin)).toBeDefined();
		expect(await accountStatus(admin)).toBe(200);
	});

	it('an admin who is not the last one may demote and delete themself', async () => {
		const second = await newUser('Second');
		await setType(second, 'admin');
		expect(adminCount()).toBe(2);
		const demoted = await second.client.json(`/api/users/${second.id}`, 'PATCH', {
			type: 'regular'
		});
		expect(demoted.status).toBe(200);
		expect(await demoted.json()).toMatchObject({ id: second.id, type: 'regular' });
		expect(adminCount()).toBe(1);

		const third = await newUser('Third');
		await setType(third, 'admin');
		const deleted = await third.client.json(`/api/users/${third.id}`, 'DELETE');
		expect(deleted.status).toBe(204);
		expect(server.query('SELECT id FROM "user" WHERE id = ?', third.id)).toEqual([]);
		expect(adminCount()).toBe(1);
	});
});

describe('GET /api/users', () => {
	it('a visitor gets an empty list: the public sees no users', async () => {
		const response = await new Client(server.url).fetch('/api/users');
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual([]);
	});

	it('a regular user gets every user, without lastSeenAt', async () => {
		const viewer = await newUser('Viewer');
		const response = await viewer.client.fetch('/api/users');
		expect(response.status).toBe(200);
		const users = await response.json();
		const rows = server.query<{ id: string; name: string; type: string; created_at: number }>(
			'SELECT id, name, type, created_at FROM "user"'
		);
		expect(users).toHaveLength(rows.length);
		expect(users.map((u: { id: string }) => u.id).sort()).toEqual(rows.map((r) => r.id).sort());
		for (const user of users) {
			expect(Object.keys(user).sort()).toEqual(apiUserKeys);
			const row = rows.find((r) => r.id === user.id)!;
			expect(user).toEqual({
				id: row.id,
				name: row.name,
				type: row.type,
				createdAt: row.created_at
			});
		}
	});

	it('a crew user gets every user, without lastSeenAt', async () => {
		const crew = await newCrew('CrewViewer');
		const users = await (await crew.client.fetch('/api/users')).json();
		expect(users.length).toBe(server.query('SELECT id FROM "user"').length);
		for (const user of users) expect(Object.keys(user).sort()).toEqual(apiUserKeys);
	});

	it('an admin gets every user, with lastSeenAt', async () => {
		const other = await newUser('Seen');
		const response = await admin.fetch('/api/users');
		expect(response.status).toBe(200);
		const users = await response.json();
		expect(users.length).toBe(server.query('SELECT id FROM "user"').length);
		for (const user of users) expect(Object.keys(user).sort()).toEqual(adminUserKeys);
		const seen = users.find((u: { id: string }) => u.id === other.id);
		const [row] = server.query<{ last_seen_at: number }>(
			'SELECT last_seen_at FROM "user" WHERE id = ?',
			other.id
		);
		expect(typeof seen.lastSeenAt).toBe('number');
		expect(seen.lastSeenAt).toBe(row.last_seen_at);
	});
});

describe('GET /api/users/[id]', () => {
	it('a visitor gets 404 even for a user who exists', async () => {
		const user = await newUser('Hidden');
		await expectError(await new Client(server.url).fetch(`/api/users/${user.id}`), 404);
	});

	it('a regular user gets the user without lastSeenAt; an unknown id is 404', async () => {
		const target = await newUser('Target');
		const viewer = await newUser('Looker');
		const response = await viewer.client.fetch(`/api/users/${target.id}`);
		expect(response.status).toBe(200);
		const user = await response.json();
		expect(Object.keys(user).sort()).toEqual(apiUserKeys);
		expect(user).toMatchObject({ id: target.id, name: target.name, type: 'regular' });
		await expectError(await viewer.client.fetch('/api/users/no-such-user'), 404);
	});

	it('an admin gets the user with lastSeenAt; an unknown id is 404', async () => {
		const target = await newUser('Watched');
		const response = await admin.fetch(`/api/users/${target.id}`);
		expect(response.status).toBe(200);
		const user = await response.json();
		expect(Object.keys(user).sort()).toEqual(adminUserKeys);
		expect(user).toMatchObject({ id: target.id, name: target.name, type: 'regular' });
		expect(typeof user.lastSeenAt).toBe('number');
		await expectError(await admin.fetch('/api/users/no-such-user'), 404);
	});
});

describe('PATCH /api/users/[id]', () => {
	it('refuses who is not an admin: 401 for a visitor, 403 for regular and crew', async () => {
		const target = await newUser('Patchee');
		const regular = await newUser('Meddler');
		const crew = await newCrew('CrewMeddler');
		const body = { name: fresh('Hijacked'), type: 'admin' };
		await refused(401, () => new Client(server.url).json(`/api/users/${target.id}`, 'PATCH', body));
		await refused(403, () => regular.client.json(`/api/users/${target.id}`, 'PATCH', body));
		await refused(403, () => crew.client.json(`/api/users/${target.id}`, 'PATCH', body));
		// Not even themselves.
		await refused(403, () =>
			regular.client.json(`/api/users/${regular.id}`, 'PATCH', { type: 'admin' })
		);
		await refused(403, () => crew.client.json(`/api/users/${crew.id}`, 'PATCH', { type: 'admin' }));
	});

	it('404 for an unknown id, with no event', async () => {
		await refused(404, () =>
			admin.json('/api/users/no-such-user', 'PATCH', { name: fresh('Ghost') })
		);
	});

	it('400 for a bad body, changing nothing', async () => {
		const target = await newUser('Badly');
		const path = `/api/users/${target.id}`;
		const bodies: [unknown, RegExp][] = [
			[{}, /nothing to change/],
			[{ nickname: 'x' }, /unknown field: nickname/],
			[{ name: 'x', password: 'password123' }, /unknown field: password/],
			[{ type: 'superuser' }, /type must be regular, crew or admin/],
			[{ type: 'Admin' }, /type must be/],
			[{ type: 1 }, /type must be/],
			[{ name: 42 }, /name/],
			[{ name: '' }, /name must be 1 to 64/],
			[{ name: 'x'.repeat(65) }, /name must be 1 to 64/],
			[{ name: null }, /name/],
			[[], /./],
			['admin', /./],
			[null, /./]
		];
		for (const [body, pattern] of bodies) {
			const message = await refused(400, () => admin.json(path, 'PATCH', body));
			expect(message, JSON.stringify(body)).toMatch(pattern);
		}
		const garbage = await refused(400, () =>
			admin.fetch(path, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: '{"type":'
			})
		);
		expect(garbage).toBe('the body is not valid JSON');
		await refused(400, () =>
			admin.fetch(path, {
				method: 'PATCH',
				headers: { 'content-type': 'text/plain' },
				body: 'type=admin'
			})
		);
		await refused(400, () => admin.fetch(path, { method: 'PATCH' }));
	});

	it('a 400 for a field of the wrong type names it as wrong, not as missing', async () => {
		const target = await newUser('Typed');
		const path = `/api/users/${target.id}`;
		const name = await refused(400, () => admin.json(path, 'PATCH', { name: 42 }));
		expect(name).toBe('name must be a string');
		const type = await refused(400, () => admin.json(path, 'PATCH', { type: 1 }));
		expect(type).toBe('type must be regular, crew or admin');
	});

	it('409 for a name taken by another user, ignoring case', async () => {
		const taken = await newUser('Taken');
		const target = await newUser('Wanting');
		const path = `/api/users/${target.id}`;
		const message = await refused(409, () =>
			admin.json(path, 'PATCH', { name: taken.name.toUpperCase() })
		);
		expect(message).toBe('that name is taken');
		await refused(409, () => admin.json(path, 'PATCH', { name: 'admiral', type: 'crew' }));
		// Its own name in another case is not taken.
		const own = await admin.json(path, 'PATCH', { name: target.name.toUpperCase() });
		expect(own.status).toBe(200);
		expect(await own.json()).toMatchObject({ name: target.name.toUpperCase() });
	});

	it('200 returns the ApiUser and writes exactly one user-update event with the change', async () => {
		const target = await newUser('Before');
		const path = `/api/users/${target.id}`;

		const head = headEventId();
		const newName = fresh('After');
		const renamed = await admin.json(path, 'PATCH', { name: newName });
		expect(renamed.status).toBe(200);
		const user = await renamed.json();
		expect(Object.keys(user).sort()).toEqual(adminUserKeys);
		expect(user).toMatchObject({ id: target.id, name: newName, type: 'regular' });
		const [row] = server.query<{ name: string; type: string; created_at: number }>(
			'SELECT name, type, created_at FROM "user" WHERE id = ?',
			target.id
		);
		expect(row).toEqual({ name: newName, type: 'regular', created_at: user.createdAt });
		expect(headEventId()).toBe(head + 1);
		const event = lastEvent();
		expect(event.type).toBe('user-update');
		expect(JSON.parse(event.data)).toMatchObject({ id: target.id, name: newName, type: 'regular' });
		expect(event.data).not.toMatch(/password|argon/i);

		const retyped = await admin.json(path, 'PATCH', { type: 'crew' });
		expect(retyped.status).toBe(200);
		expect(await retyped.json()).toMatchObject({ id: target.id, name: newName, type: 'crew' });
		expect(server.query('SELECT type FROM "user" WHERE id = ?', target.id)).toEqual([
			{ type: 'crew' }
		]);
		expect(headEventId()).toBe(head + 2);
		expect(lastEvent().type).toBe('user-update');
		expect(JSON.parse(lastEvent().data)).toMatchObject({
			id: target.id,
			name: newName,
			type: 'crew'
		});

		// The user now acts under the new type and logs in with the new name.
		expect(await (await target.client.fetch('/api/auth/account')).json()).toMatchObject({
			name: newName,
			type: 'crew'
		});
		expect((await new Client(server.url).login(newName)).status).toBe(200);
	});
});

describe('DELETE /api/users/[id]', () => {
	it('refuses who is not an admin: 401 for a visitor, 403 for regular and crew; 404 for an unknown id', async () => {
		const target = await newUser('Deletee');
		const regular = await newUser('Deleter');
		const crew = await newCrew('CrewDeleter');
		const path = `/api/users/${target.id}`;
		await refused(401, () => new Client(server.url).json(path, 'DELETE'));
		await refused(403, () => regular.client.json(path, 'DELETE'));
		await refused(403, () => crew.client.json(path, 'DELETE'));
		await refused(403, () => regular.client.json(`/api/users/${regular.id}`, 'DELETE'));
		await refused(404, () => admin.json('/api/users/no-such-user', 'DELETE'));
		expect(await accountStatus(target.client)).toBe(200);
	});

	it('204 deletes the user and all its sessions, writes user-delete { id }, and its cookie is then 401', async () => {
		const target = await newUser('Doomed');
		const second = await loginAgain(target);
		expect(sessionCount(target.id)).toBe(2);
		const token = sessionCookie(target.client)!;

		const head = headEventId();
		const response = await admin.json(`/api/users/${target.id}`, 'DELETE');
		expect(response.status).toBe(204);
		expect(await response.text()).toBe('');

		expect(server.query('SELECT id FROM "user" WHERE id = ?', target.id)).toEqual([]);
		expect(sessionCount(target.id)).toBe(0);
		expect(onlyEventSince(head, 'user-delete')).toEqual({ id: target.id });
		expect(eventsSince(head).filter((event) => event.type === 'user-update')).toEqual([]);

		expect(await accountStatus(target.client)).toBe(401);
		expect(await accountStatus(second)).toBe(401);
		expect(await accountStatusWithToken(token)).toBe(401);
		expect((await new Client(server.url).login(target.name)).status).toBe(401);
		await expectError(await admin.fetch(`/api/users/${target.id}`), 404);
		await refused(404, () => admin.json(`/api/users/${target.id}`, 'DELETE'));
	});
});

describe('PATCH /api/auth/account', () => {
	it('renames without a password: 200 and one user-update event', async () => {
		const user = await newUser('Selfie');
		const head = headEventId();
		const newName = fresh('Selfish');
		const response = await user.client.json('/api/auth/account', 'PATCH', { name: newName });
		expect(response.status).toBe(200);
		const account = await response.json();
		expect(account).toMatchObject({ id: user.id, name: newName, type: 'regular' });
		expect(server.query('SELECT name FROM "user" WHERE id = ?', user.id)).toEqual([
			{ name: newName }
		]);
		expect(onlyEventSince(head, 'user-update')).toMatchObject({ id: user.id, name: newName });
	});

	it('refuses a visitor, a bad body and a taken name, changing nothing', async () => {
		const user = await newUser('Careful');
		const other = await newUser('Occupied');
		await refused(401, () =>
			new Client(server.url).json('/api/auth/account', 'PATCH', { name: fresh('Nobody') })
		);
		await refused(400, () => user.client.json('/api/auth/account', 'PATCH', {}));
		await refused(400, () => user.client.json('/api/auth/account', 'PATCH', { type: 'admin' }));
		await refused(400, () => user.client.json('/api/auth/account', 'PATCH', { name: 7 }));
		const taken = await refused(409, () =>
			user.client.json('/api/auth/account', 'PATCH', { name: other.name.toLowerCase() })
		);
		expect(taken).toBe('that name is taken');
	});

	it('a password change needs currentPassword: 400 when missing, 403 when wrong, changing nothing', async () => {
		const user = await newUser('Guarded');
		const missing = await refused(400, () =>
			user.client.json('/api/auth/account', 'PATCH', { password: 'new-password-1' })
		);
		expect(missing).toMatch(/currentPassword/);
		await refused(403, () =>
			user.client.json('/api/auth/account', 'PATCH', {
				password: 'new-password-1',
				currentPassword: 'wrong-password'
			})
		);
		await refused(400, () =>
			user.client.json('/api/auth/account', 'PATCH', {
				password: 'short',
				currentPassword: PASSWORD
			})
		);
		expect(await accountStatus(user.client)).toBe(200);
	});

	it('a password change ends every login, the current one included, and gives the requester a new login', async () => {
		const user = await newUser('Rekey', 'first-browser');
		const other = await loginAgain(user, 'second-browser');
		const third = await loginAgain(user, 'third-browser');
		const otherToken = sessionCookie(other)!;
		const currentToken = sessionCookie(user.client)!;
		const before = await (await user.client.fetch('/api/auth/session')).json();
		const bystander = await newUser('Bystander');

		const response = await user.client.json('/api/auth/account', 'PATCH', {
			password: 'new-password-1',
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ id: user.id, name: user.name });

		expect(await accountStatus(other)).toBe(401);
		expect(await accountStatus(third)).toBe(401);
		expect(await accountStatusWithToken(otherToken)).toBe(401);
		// A copy of the requester's own earlier cookie is dead too.
		expect(await accountStatusWithToken(currentToken)).toBe(401);
		const newToken = sessionCookie(user.client)!;
		expect(newToken).toBeTruthy();
		expect(newToken).not.toBe(currentToken);
		expect(await accountStatus(user.client)).toBe(200);
		const after = await (await user.client.fetch('/api/auth/session')).json();
		expect(after.session.account.id).toBe(user.id);
		expect(after.session.id).not.toBe(before.session.id);
		const families = server.query<{ family: string }>(
			'SELECT DISTINCT family FROM session WHERE user_id = ?',
			user.id
		);
		expect(families).toHaveLength(1);
		const [oldFamily] = server.query<{ family: string }>(
			'SELECT family FROM session WHERE public_id = ?',
			before.session.id
		);
		expect(oldFamily).toBeUndefined();
		expect(sessionCount(user.id)).toBe(1);
		const list = await (await user.client.fetch('/api/auth/sessions')).json();
		expect(list).toEqual([expect.objectContaining({ current: true, userAgent: 'first-browser' })]);
		expect(await accountStatus(bystander.client)).toBe(200);

		expect((await new Client(server.url).login(user.name, PASSWORD)).status).toBe(401);
		expect((await new Client(server.url).login(user.name, 'new-password-1')).status).toBe(200);
	});
});

describe('DELETE /api/auth/account', () => {
	it('400 without currentPassword, 401 for a visitor, 403 with a wrong one, changing nothing', async () => {
		const user = await newUser('Hesitant');
		const missing = await refused(400, () => user.client.json('/api/auth/account', 'DELETE', {}));
		expect(missing).toMatch(/currentPassword/);
		await refused(400, () =>
			user.client.json('/api/auth/account', 'DELETE', { currentPassword: '' })
		);
		await refused(400, () => user.client.json('/api/auth/account', 'DELETE'));
		await refused(401, () =>
			new Client(server.url).json('/api/auth/account', 'DELETE', { currentPassword: PASSWORD })
		);
		await refused(403, () =>
			user.client.json('/api/auth/account', 'DELETE', { currentPassword: 'wrong-password' })
		);
		expect(await accountStatus(user.client)).toBe(200);
	});

	it('204 deletes the user and every session, clears the cookie and writes user-delete', async () => {
		const user = await newUser('Leaving');
		const other = await loginAgain(user);
		const token = sessionCookie(user.client)!;
		const head = headEventId();

		const response = await user.client.json('/api/auth/account', 'DELETE', {
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(204);
		expect(user.client.lastSetCookie.some((line) => line.startsWith(`${COOKIE}=`))).toBe(true);
		expect(sessionCookie(user.client)).toBeUndefined();

		expect(server.query('SELECT id FROM "user" WHERE id = ?', user.id)).toEqual([]);
		expect(sessionCount(user.id)).toBe(0);
		expect(onlyEventSince(head, 'user-delete')).toEqual({ id: user.id });

		expect(await accountStatusWithToken(token)).toBe(401);
		expect(await accountStatus(other)).toBe(401);
		expect((await new Client(server.url).login(user.name)).status).toBe(401);
	});
});

describe('GET /api/auth/sessions', () => {
	it('401 for a visitor', async () => {
		await expectError(await new Client(server.url).fetch('/api/auth/sessions'), 401);
	});

	it("lists the account's own logins, exactly one current, with public ids only", async () => {
		const started = Date.now();
		const user = await newUser('Lister', 'agent-one');
		const second = await loginAgain(user, 'agent-two');
		const stranger = await newUser('Stranger', 'agent-stranger');

		const response = await user.client.fetch('/api/auth/sessions');
		expect(response.status).toBe(200);
		const list = await response.json();
		expect(list).toHaveLength(2);
		for (const entry of list) {
			expect(Object.keys(entry).sort()).toEqual([
				'createdAt',
				'current',
				'id',
				'lastSeenAt',
				'userAgent'
			]);
			expect(typeof entry.id).toBe('string');
			expect(entry.createdAt).toBeGreaterThanOrEqual(started - 1000);
			expect(entry.createdAt).toBeLessThanOrEqual(Date.now());
			expect(entry.lastSeenAt).toBeGreaterThanOrEqual(entry.createdAt);
			expect(entry.lastSeenAt).toBeLessThanOrEqual(Date.now());
		}
		const current = list.filter((entry: { current: boolean }) => entry.current === true);
		expect(current).toHaveLength(1);
		expect(current[0].userAgent).toBe('agent-one');
		expect(list.find((entry: { current: boolean }) => !entry.current).userAgent).toBe('agent-two');

		// Ids are public: never the cookie value, nor its SHA-256 (the database key).
		const secrets = [user.client, second, stranger.client].flatMap((client) => {
			const token = sessionCookie(client)!;
			return [token, hashSessionToken(token)];
		});
		for (const entry of list) expect(secrets).not.toContain(entry.id);
		expect(JSON.stringify(list)).not.toContain(sessionCookie(user.client)!);

		// The other login sees the same two, with itself as current.
		const seen = await (await second.fetch('/api/auth/sessions')).json();
		expect(seen.map((e: { id: string }) => e.id).sort()).toEqual(
			list.map((e: { id: string }) => e.id).sort()
		);
		expect(seen.find((e: { current: boolean }) => e.current).userAgent).toBe('agent-two');

		// Another user's logins are not listed, and its own list holds only its own.
		const theirs = await (await stranger.client.fetch('/api/auth/sessions')).json();
		expect(theirs).toHaveLength(1);
		expect(theirs[0]).toMatchObject({ current: true, userAgent: 'agent-stranger' });
		expect(list.map((e: { id: string }) => e.id)).not.toContain(theirs[0].id);
	});
});

describe('DELETE /api/auth/sessions/[id]', () => {
	async function idOf(client: Client): Promise<string> {
		const list = await (await client.fetch('/api/auth/sessions')).json();
		return list.find((entry: { current: boolean }) => entry.current).id;
	}

	it("400 without currentPassword, 403 wrong, 404 unknown or another user's id, 401 for a visitor", async () => {
		const user = await newUser('Owner');
		const other = await loginAgain(user);
		const stranger = await newUser('Neighbour');
		const otherId = await idOf(other);
		const strangerId = await idOf(stranger.client);
		const path = `/api/auth/sessions/${otherId}`;

		const missing = await refused(400, () => user.client.json(path, 'DELETE', {}));
		expect(missing).toMatch(/currentPassword/);
		await refused(400, () => user.client.json(path, 'DELETE'));
		await refused(403, () =>
			user.client.json(path, 'DELETE', { currentPassword: 'wrong-password' })
		);
		await refused(404, () =>
			user.client.json('/api/auth/sessions/no-such-session', 'DELETE', {
				currentPassword: PASSWORD
			})
		);
		await refused(404, () =>
			user.client.json(`/api/auth/sessions/${strangerId}`, 'DELETE', { currentPassword: PASSWORD })
		);
		await refused(401, () =>
			new Client(server.url).json(path, 'DELETE', { currentPassword: PASSWORD })
		);
		expect(await accountStatus(other)).toBe(200);
		expect(await accountStatus(stranger.client)).toBe(200);
	});

	it('204 ends another login of the account; the current one continues', async () => {
		const user = await newUser('Pruner', 'keeper');
		const other = await loginAgain(user, 'pruned');
		const otherToken = sessionCookie(other)!;
		const response = await user.client.json(`/api/auth/sessions/${await idOf(other)}`, 'DELETE', {
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(204);
		expect(await accountStatus(other)).toBe(401);
		expect(await accountStatusWithToken(otherToken)).toBe(401);
		expect(await accountStatus(user.client)).toBe(200);
		expect(sessionCookie(user.client)).toBeDefined();
		const list = await (await user.client.fetch('/api/auth/sessions')).json();
		expect(list).toHaveLength(1);
		expect(list[0]).toMatchObject({ current: true, userAgent: 'keeper' });
		expect(sessionCount(user.id)).toBe(1);
	});

	it('ending the current login logs out: 204, cookie cleared, token dead', async () => {
		const user = await newUser('SelfEnder');
		const token = sessionCookie(user.client)!;
		const response = await user.client.json(
			`/api/auth/sessions/${await idOf(user.client)}`,
			'DELETE',
			{
				currentPassword: PASSWORD
			}
		);
		expect(response.status).toBe(204);
		expect(sessionCookie(user.client)).toBeUndefined();
		expect(await accountStatusWithToken(token)).toBe(401);
		expect(sessionCount(user.id)).toBe(0);
		expect(server.query('SELECT id FROM "user" WHERE id = ?', user.id)).toHaveLength(1);
	});
});

describe('streams closed by these endpoints (4001, within one second)', () => {
	it("a type change closes that user's streams with access-changed, and no one else's; a rename closes none", async () => {
		const target = await newUser('Promoted');
		const bystander = await newUser('Onlooker');
		const targetStream = await streamOf(target.client);
		const targetSecond = await streamOf(target.client);
		const bystanderStream = await streamOf(bystander.client);
		const adminStream = await streamOf(admin);
		expect(streamAccountId(targetStream)).toBe(target.id);
		expect(streamAccountId(bystanderStream)).toBe(bystander.id);

		// A rename is no change of access.
		const renamed = await admin.json(`/api/users/${target.id}`, 'PATCH', {
			name: fresh('Promoted')
		});
		expect(renamed.status).toBe(200);
		await targetStream.waitForEvent(headEventId());
		await expectStillOpen(targetStream);

		const response = await admin.json(`/api/users/${target.id}`, 'PATCH', { type: 'crew' });
		expect(response.status).toBe(200);
		const [first, second] = await Promise.all([
			closedWithin(targetStream),
			closedWithin(targetSecond)
		]);
		expect(first).toEqual({ code: 4001, reason: 'access-changed' });
		expect(second).toEqual({ code: 4001, reason: 'access-changed' });

		// The bystander and the admin see the change and stay connected.
		await bystanderStream.waitForEvent(headEventId());
		await adminStream.waitForEvent(headEventId());
		await expectStillOpen(bystanderStream);
		expect(adminStream.closeInfo).toBeNull();
	});

	it("DELETE /api/users/[id] closes the deleted user's stream with deleted", async () => {
		const target = await newUser('Vanishing');
		const bystander = await newUser('Witness');
		const stream = await streamOf(target.client);
		const bystanderStream = await streamOf(bystander.client);
		const response = await admin.json(`/api/users/${target.id}`, 'DELETE');
		expect(response.status).toBe(204);
		expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'deleted' });
		await bystanderStream.waitForEvent(headEventId());
		await expectStillOpen(bystanderStream);
	});

	it("DELETE /api/auth/account closes the user's streams with deleted", async () => {
		const user = await newUser('Departing');
		const other = await loginAgain(user);
		const stream = await streamOf(user.client);
		const otherStream = await streamOf(other);
		const response = await user.client.json('/api/auth/account', 'DELETE', {
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(204);
		expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'deleted' });
		expect(await closedWithin(otherStream)).toEqual({ code: 4001, reason: 'deleted' });
	});

	it('a password change closes every stream of the user with revoked, the requester’s own included', async () => {
		const user = await newUser('Rotator', 'current-browser');
		const other = await loginAgain(user, 'other-browser');
		const oldCookie = user.client.cookieHeader;
		const currentStream = await streamOf(user.client);
		const otherStream = await streamOf(other);
		const response = await user.client.json('/api/auth/account', 'PATCH', {
			password: 'new-password-2',
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(200);
		expect(await closedWithin(otherStream)).toEqual({ code: 4001, reason: 'revoked' });
		expect(await closedWithin(currentStream)).toEqual({ code: 4001, reason: 'revoked' });
		// The old cookie opens only a public stream now; the new one opens the account's.
		const stale = await connectStream(server, { cookie: oldCookie, lastEventId: headEventId() });
		streams.push(stale);
		expect(stale.messages[0]).toMatchObject({ type: 'connected', session: null });
		const renewed = await streamOf(user.client);
		expect(streamAccountId(renewed)).toBe(user.id);
	});

	it("DELETE /api/auth/sessions/[id] closes that login's stream with revoked, not the current one's", async () => {
		const user = await newUser('Revoker', 'revoking-browser');
		const other = await loginAgain(user, 'revoked-browser');
		const currentStream = await streamOf(user.client);
		const otherStream = await streamOf(other);
		const list = await (await user.client.fetch('/api/auth/sessions')).json();
		const otherId = list.find((entry: { current: boolean }) => !entry.current).id;
		const response = await user.client.json(`/api/auth/sessions/${otherId}`, 'DELETE', {
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(204);
		expect(await closedWithin(otherStream)).toEqual({ code: 4001, reason: 'revoked' });
		await expectStillOpen(currentStream);
	});

	it('DELETE /api/auth/sessions/[id] of the current login closes its stream with logged-out', async () => {
		const user = await newUser('Quitter');
		const stream = await streamOf(user.client);
		const list = await (await user.client.fetch('/api/auth/sessions')).json();
		const response = await user.client.json(`/api/auth/sessions/${list[0].id}`, 'DELETE', {
			currentPassword: PASSWORD
		});
		expect(response.status).toBe(204);
		expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'logged-out' });
	});

	it("logout (DELETE /api/auth/session) closes that session's stream with logged-out, not another login's", async () => {
		const user = await newUser('Leaver');
		const other = await loginAgain(user);
		const stream = await streamOf(user.client);
		const otherStream = await streamOf(other);
		const response = await user.client.json('/api/auth/session', 'DELETE');
		expect(response.status).toBe(204);
		expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'logged-out' });
		await expectStillOpen(otherStream);
		expect(await accountStatus(other)).toBe(200);
	});
});
