import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiUser, StreamMessage } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, type TestStream } from '../helpers/stream';
import { sleep } from '../helpers/wait';

/*
 * Admins managing people (issue 11, point 9): suspension, a user's sessions, search, sort and
 * paging of the users list, and the audit trail; against the real built server.
 */

let server: TestServer;
let admin: Client;
let adminId: string;

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url, 'admin-agent');
	const response = await admin.register('Admiral');
	expect(response.status).toBe(201);
	adminId = (await response.json()).id;
});
afterAll(() => server?.close());

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

let seq = 0;
const fresh = (base: string) => `${base}${++seq}`;

interface TestUser {
	client: Client;
	id: string;
	name: string;
}

async function newUser(base: string, userAgent = 'tidewatch-test'): Promise<TestUser> {
	const client = new Client(server.url, userAgent);
	const name = fresh(base);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	return { client, id: (await response.json()).id, name };
}

async function withType(base: string, type: 'crew' | 'admin'): Promise<TestUser> {
	const user = await newUser(base);
	const response = await admin.json(`/api/users/${user.id}`, 'PATCH', { type });
	expect(response.status).toBe(200);
	// The new type closed the user's streams; a fresh login carries on.
	return user;
}

async function expectError(response: Response, status: number): Promise<string> {
	const text = await response.text();
	expect(response.status, text).toBe(status);
	const body = JSON.parse(text);
	expect(Object.keys(body)).toEqual(['message']);
	return body.message;
}

const headEventId = () =>
	server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event')[0].id ?? 0;
const auditCount = () => server.query<{ n: number }>('SELECT COUNT(*) AS n FROM audit')[0].n;
const liveSessions = (userId: string) =>
	server.query<{ n: number }>(
		'SELECT COUNT(*) AS n FROM session WHERE user_id = ? AND ended_reason IS NULL',
		userId
	)[0].n;

async function streamOf(client: Client): Promise<TestStream> {
	const stream = await connectStream(server, {
		cookie: client.cookieHeader,
		lastEventId: headEventId()
	});
	streams.push(stream);
	expect((stream.messages[0] as StreamMessage).type).toBe('connected');
	return stream;
}

function closedWithin(stream: TestStream, ms = 1000) {
	return Promise.race([
		stream.closed,
		sleep(ms).then(() => {
			throw new Error(`the stream was not closed within ${ms} ms`);
		})
	]);
}

/** Runs a request that must be refused and checks that it wrote no audit row and no event. */
async function refusedWithoutTrace(status: number, request: () => Promise<Response>) {
	const [audit, head] = [auditCount(), headEventId()];
	const message = await expectError(await request(), status);
	expect(auditCount()).toBe(audit);
	expect(headEventId()).toBe(head);
	return message;
}

// ---------------------------------------------------------------------------------------------

describe('who may manage people', () => {
	/** Every new endpoint and the suspension patch, by access level. */
	async function clients() {
		const regular = await newUser('Plain');
		const crew = await withType('Crewed', 'crew');
		const crewClient = new Client(server.url);
		expect((await crewClient.login(crew.name)).status).toBe(200);
		return { public: new Client(server.url), regular: regular.client, crew: crewClient };
	}

	it('only an admin may list a user’s sessions, end one, suspend, or read the audit trail: 401 for the public, 403 for regular and crew', async () => {
		const target = await newUser('Managed');
		const [family] = server.query<{ family: string }>(
			'SELECT family FROM session WHERE user_id = ?',
			target.id
		);
		const requests: [string, string, unknown?][] = [
			['GET', `/api/users/${target.id}/sessions`],
			['DELETE', `/api/users/${target.id}/sessions/${family.family}`],
			['PATCH', `/api/users/${target.id}`, { suspended: true }],
			['GET', '/api/audit']
		];
		const levels = await clients();
		for (const [level, client] of Object.entries(levels)) {
			for (const [method, path, body] of requests) {
				const status = level === 'public' ? 401 : 403;
				await refusedWithoutTrace(status, () => client.json(path, method, body));
			}
		}
		expect(liveSessions(target.id)).toBe(1);

		const sessions = await admin.fetch(`/api/users/${target.id}/sessions`);
		expect(sessions.status).toBe(200);
		expect(await sessions.json()).toEqual([
			{
				id: family.family,
				createdAt: expect.any(Number),
				lastSeenAt: expect.any(Number),
				userAgent: 'tidewatch-test'
			}
		]);
		expect((await admin.fetch('/api/audit')).status).toBe(200);
	});

	it('sorting by lastSeen is for admins: it would tell others who was active when', async () => {
		const { regular, crew } = await clients();
		for (const client of [regular, crew]) {
			await expectError(await client.fetch('/api/users?sort=lastSeen'), 403);
		}
		expect((await admin.fetch('/api/users?sort=lastSeen')).status).toBe(200);
	});
});

describe("an admin ends a user's session", () => {
	it('the login ends, its stream closes 4001 revoked, the audit tells of it; other logins stay', async () => {
		const user = await newUser('Ended', 'first-browser');
		const second = new Client(server.url, 'second-browser');
		expect((await second.login(user.name)).status).toBe(200);
		const stream = await streamOf(user.client);
		const sessions = (await (await admin.fetch(`/api/users/${user.id}/sessions`)).json()) as {
			id: string;
			userAgent: string;
		}[];
		const first = sessions.find((session) => session.userAgent === 'first-browser')!;

		const response = await admin.fetch(`/api/users/${user.id}/sessions/${first.id}`, {
			method: 'DELETE'
		});
		expect(response.status).toBe(204);
		expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'revoked' });
		expect((await user.client.fetch('/api/auth/account')).status).toBe(401);
		expect((await second.fetch('/api/auth/account')).status).toBe(200);
		expect(
			server.query(
				'SELECT actor_id, action, target_id, detail FROM audit WHERE target_id = ?',
				user.id
			)
		).toEqual([{ actor_id: adminId, action: 'session-end', target_id: user.id, detail: first.id }]);
	});

	it('an unknown user or a login of another user is 404, and nothing ends', async () => {
		const user = await newUser('Owner');
		const other = await newUser('Other');
		const [family] = server.query<{ family: string }>(
			'SELECT family FROM session WHERE user_id = ?',
			other.id
		);
		await refusedWithoutTrace(404, () =>
			admin.fetch(`/api/users/${user.id}/sessions/${family.family}`, { method: 'DELETE' })
		);
		await refusedWithoutTrace(404, () =>
			admin.fetch(`/api/users/nobody/sessions/${family.family}`, { method: 'DELETE' })
		);
		await expectError(await admin.fetch('/api/users/nobody/sessions'), 404);
		expect(liveSessions(other.id)).toBe(1);
	});
});

describe('suspension', () => {
	it('suspending ends every login of the user, its streams close 4001 suspended within 1 s, and ApiUser says suspended to admins only', async () => {
		const user = await newUser('Suspended');
		const second = new Client(server.url, 'second-browser');
		expect((await second.login(user.name)).status).toBe(200);
		const [one, two] = [await streamOf(user.client), await streamOf(second)];
		const viewer = await newUser('Onlooker');

		const response = await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true });
		expect(response.status).toBe(200);
		expect(((await response.json()) as ApiUser).suspended).toBe(true);
		for (const stream of [one, two]) {
			expect(await closedWithin(stream)).toEqual({ code: 4001, reason: 'suspended' });
		}
		expect(liveSessions(user.id)).toBe(0);
		for (const client of [user.client, second]) {
			expect((await client.fetch('/api/auth/account')).status).toBe(401);
		}
		const seen = (await (await viewer.client.fetch(`/api/users/${user.id}`)).json()) as ApiUser;
		expect(seen).not.toHaveProperty('suspended');
		const [row] = server.query<{ suspended_at: number; suspended_by: string }>(
			'SELECT suspended_at, suspended_by FROM "user" WHERE id = ?',
			user.id
		);
		expect(row.suspended_by).toBe(adminId);
		expect(row.suspended_at).toBeGreaterThan(0);
	});

	it('a suspended user is told so only after the right password; a wrong one gets the usual 401', async () => {
		const user = await newUser('Locked');
		expect((await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true })).status).toBe(
			200
		);
		const wrong = await expectError(
			await new Client(server.url).login(user.name, 'not-the-password'),
			401
		);
		const unknown = await expectError(
			await new Client(server.url).login(fresh('Nobody'), 'not-the-password'),
			401
		);
		expect(wrong).toBe(unknown);
		const client = new Client(server.url);
		const message = await expectError(await client.login(user.name), 403);
		expect(message).toBe('this account is suspended; ask an admin');
		expect(client.cookies.size).toBe(0);
		expect(liveSessions(user.id)).toBe(0);
	});

	it('the login form tells a suspended user the same, without JavaScript', async () => {
		const user = await newUser('FormLocked');
		await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true });
		const response = await new Client(server.url).form('/login?/login', {
			name: user.name,
			password: 'password123'
		});
		expect(response.status).toBe(403);
		expect(await response.text()).toContain('this account is suspended; ask an admin');
	});

	it('lifting the suspension restores login', async () => {
		const user = await newUser('Lifted');
		await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true });
		const response = await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: false });
		expect(response.status).toBe(200);
		expect(((await response.json()) as ApiUser).suspended).toBe(false);
		expect((await new Client(server.url).login(user.name)).status).toBe(200);
		// The operator's log says both, naming the user.
		await expect
			.poll(() => server.output())
			.toMatch(/"event":"user-unsuspended"[^\n]*"name":"Lifted/);
		expect(server.output()).toMatch(/"event":"user-suspended"[^\n]*"name":"Lifted/);
	});

	it('a session of a suspended user that survived is refused', async () => {
		const user = await newUser('Survivor');
		expect((await user.client.fetch('/api/auth/account')).status).toBe(200);
		// Only a direct write can leave a session standing beside a suspension.
		server.write('UPDATE "user" SET suspended_at = 1 WHERE id = ?', [user.id]);
		expect((await user.client.fetch('/api/auth/account')).status).toBe(401);
		const stream = await connectStream(server, { cookie: user.client.cookieHeader });
		streams.push(stream);
		const connected = stream.messages[0] as StreamMessage;
		expect(connected.type === 'connected' && connected.session).toBeNull();
	});

	it('an admin cannot suspend themselves: 409, nothing changes', async () => {
		const message = await refusedWithoutTrace(409, () =>
			admin.json(`/api/users/${adminId}`, 'PATCH', { suspended: true })
		);
		expect(message).toBe('you cannot suspend yourself');
	});

	it('a suspended admin does not count: the only other admin cannot be demoted', async () => {
		const second = await withType('SecondAdmin', 'admin');
		const secondClient = new Client(server.url);
		expect((await secondClient.login(second.name)).status).toBe(200);
		expect(
			(await secondClient.json(`/api/users/${adminId}`, 'PATCH', { suspended: false })).status
		).toBe(200);
		expect((await admin.json(`/api/users/${second.id}`, 'PATCH', { suspended: true })).status).toBe(
			200
		);
		await refusedWithoutTrace(409, () =>
			admin.json(`/api/users/${adminId}`, 'PATCH', { type: 'regular' })
		);
		await admin.json(`/api/users/${second.id}`, 'PATCH', { suspended: false });
		await admin.json(`/api/users/${second.id}`, 'PATCH', { type: 'regular' });
	});

	it('suspended must be a boolean', async () => {
		const user = await newUser('Typed');
		await refusedWithoutTrace(400, () =>
			admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: 'yes' })
		);
	});
});

describe('the audit trail', () => {
	it('each admin action writes one row, in the transaction of the action, newest first in GET /api/audit', async () => {
		const user = await newUser('Audited');
		const newName = fresh('Renamed');
		const steps: [string, () => Promise<Response>][] = [
			['user-type', () => admin.json(`/api/users/${user.id}`, 'PATCH', { type: 'crew' })],
			['user-rename', () => admin.json(`/api/users/${user.id}`, 'PATCH', { name: newName })],
			['user-suspend', () => admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true })],
			['user-unsuspend', () => admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: false })],
			['settings-change', () => admin.json('/api/settings', 'PATCH', { name: fresh('Fest') })],
			['invitation-create', () => admin.json('/api/invitations', 'POST', {})],
			['user-delete', () => admin.fetch(`/api/users/${user.id}`, { method: 'DELETE' })]
		];
		for (const [action, request] of steps) {
			const before = auditCount();
			const response = await request();
			expect(response.status, `${action}: ${await response.clone().text()}`).toBeLessThan(300);
			expect(auditCount(), action).toBe(before + 1);
			const [row] = server.query<{ action: string; actor_id: string; actor_name: string }>(
				'SELECT action, actor_id, actor_name FROM audit ORDER BY id DESC LIMIT 1'
			);
			expect(row).toEqual({ action, actor_id: adminId, actor_name: 'Admiral' });
			if (action === 'invitation-create') {
				const { id } = await response.json();
				const revoke = await admin.fetch(`/api/invitations/${id}`, { method: 'DELETE' });
				expect(revoke.status).toBe(204);
				const [last] = server.query<{ action: string; detail: string }>(
					'SELECT action, detail FROM audit ORDER BY id DESC LIMIT 1'
				);
				expect(last).toEqual({ action: 'invitation-revoke', detail: id });
			}
		}
		const records = (await (await admin.fetch('/api/audit')).json()) as {
			action: string;
			targetName: string | null;
			detail: string;
		}[];
		expect(records[0]).toMatchObject({ action: 'user-delete', targetName: newName });
		expect(records.find((record) => record.action === 'user-rename')).toMatchObject({
			targetName: newName,
			detail: '',
			quoted: user.name
		});
		expect(records.find((record) => record.action === 'user-type')?.detail).toBe('regular to crew');
	});

	it('a refused action writes no row', async () => {
		const user = await newUser('Refused');
		await refusedWithoutTrace(409, () =>
			admin.json(`/api/users/${user.id}`, 'PATCH', { name: 'Admiral' })
		);
		await refusedWithoutTrace(403, () =>
			user.client.json(`/api/users/${user.id}`, 'PATCH', { type: 'admin' })
		);
		await refusedWithoutTrace(404, () =>
			admin.json('/api/users/nobody', 'PATCH', { suspended: true })
		);
	});
});

describe('search, sort and paging of thousands of users', () => {
	const many = 3_000;
	beforeAll(() => {
		// Straight into the database: 3,000 Argon2id registrations would take minutes.
		server.write(
			`INSERT INTO "user" (id, name, password_hash, type, created_at, last_seen_at)
				VALUES (?, ?, 'x', 'regular', ?, ?)`,
			...Array.from({ length: many }, (_, i) => {
				const n = String(i).padStart(4, '0');
				return [`bulk${n}`, `Bulk ${n}`, 1_000_000 + i, i % 3 ? 2_000_000 + i : null];
			}),
			['bulk_pct', 'Odd 100% sure', 5, null],
			['bulk_und', 'odd_name', 6, null],
			['bulk_und2', 'oddXname', 7, null]
		);
	});

	const names = async (client: Client, query: string) => {
		const response = await client.fetch(`/api/users?${query}`);
		expect(response.status).toBe(200);
		const users = (await response.json()) as ApiUser[];
		return {
			names: users.map((user) => user.name),
			total: Number(response.headers.get('x-total-count'))
		};
	};

	it('without parameters GET /api/users answers every user, oldest first, as before', async () => {
		const { names: all, total } = await names(admin, '');
		const count = server.query<{ n: number }>('SELECT COUNT(*) AS n FROM "user"')[0].n;
		expect(all).toHaveLength(count);
		expect(total).toBe(count);
		expect(all.indexOf('Bulk 0000')).toBeLessThan(all.indexOf('Bulk 0001'));
	});

	it('q matches part of the name ignoring case; % and _ are plain characters', async () => {
		expect((await names(admin, 'q=BULK%20299')).names).toEqual([
			'Bulk 2990',
			'Bulk 2991',
			'Bulk 2992',
			'Bulk 2993',
			'Bulk 2994',
			'Bulk 2995',
			'Bulk 2996',
			'Bulk 2997',
			'Bulk 2998',
			'Bulk 2999'
		]);
		expect((await names(admin, 'q=%25')).names).toEqual(['Odd 100% sure']);
		expect((await names(admin, 'q=odd_')).names).toEqual(['odd_name']);
	});

	it('sort, order, limit and offset pick a window; X-Total-Count tells how many match', async () => {
		const page = await names(admin, 'q=bulk&sort=name&order=desc&limit=50&offset=50');
		expect(page.total).toBe(many);
		expect(page.names).toHaveLength(50);
		expect(page.names[0]).toBe('Bulk 2949');
		expect(page.names[49]).toBe('Bulk 2900');
		const byCreated = await names(admin, 'q=bulk&sort=created&order=asc&limit=2&offset=10');
		expect(byCreated.names).toEqual(['Bulk 0010', 'Bulk 0011']);
		const bySeen = await names(admin, 'q=bulk&sort=lastSeen&order=desc&limit=2');
		expect(bySeen.names).toEqual(['Bulk 2999', 'Bulk 2998']);
	});

	it('a bad parameter is 400 with a message', async () => {
		for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'sort=age', 'order=up', 'limit=x']) {
			await expectError(await admin.fetch(`/api/users?${query}`), 400);
		}
	});

	it('the /users page pages through them without JavaScript, 50 a page, and renders fast', async () => {
		const started = performance.now();
		const response = await admin.fetch('/users?q=bulk&sort=name&order=asc&page=3', {
			headers: { accept: 'text/html' }
		});
		const html = await response.text();
		const elapsed = performance.now() - started;
		expect(response.status).toBe(200);
		expect(html).toContain('Bulk 0100');
		expect(html).toContain('Bulk 0149');
		expect(html).not.toContain('Bulk 0150');
		expect(html).not.toContain('Bulk 0099');
		expect(html).toContain('Page 3 of 60');
		expect(html.match(/data-testid="user-row"/g)).toHaveLength(50);
		console.log(`/users page 3 of 3,000 users rendered in ${elapsed.toFixed(0)} ms`);
		expect(elapsed).toBeLessThan(1_000);
	});
});
