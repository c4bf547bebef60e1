import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashSessionToken } from '../../src/lib/server/auth/token';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

const server = serverForSuite();

const sessionCookie = (client: Client) => client.cookies.get('tidewatch_session');

describe('accounts and sessions over the JSON API', () => {
	it('serves the home page', async () => {
		const response = await fetch(server.url + '/');
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('Tidewatch');
	});

	it('the first user registered is the admin, later ones are regular', async () => {
		const first = new Client(server.url);
		const response = await first.register('Ada');
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({ name: 'Ada', type: 'admin' });
		const second = new Client(server.url);
		const later = await second.register('Grace');
		expect(await later.json()).toMatchObject({ name: 'Grace', type: 'regular' });
	});

	it('a name taken ignoring case is refused with 409 and changes nothing', async () => {
		const before = server.query('SELECT COUNT(*) AS n FROM "user"');
		const response = await new Client(server.url).register('ADA');
		expect(response.status).toBe(409);
		expect(await response.json()).toEqual({ message: 'that name is taken' });
		expect(server.query('SELECT COUNT(*) AS n FROM "user"')).toEqual(before);
	});

	it('the session cookie is HttpOnly, SameSite=Lax, Path=/ and expires with the session', async () => {
		const client = new Client(server.url);
		await client.register('Cookie Monster');
		const line = client.lastSetCookie.find((c) => c.startsWith('tidewatch_session='))!;
		expect(line).toMatch(/; HttpOnly/i);
		expect(line).toMatch(/; SameSite=Lax/i);
		expect(line).toMatch(/; Path=\//i);
		expect(line).toMatch(/; Max-Age=\d{6,}/i);
		// Plain http: no Secure flag and no __Host- prefix, which would need https.
		expect(line).not.toMatch(/; Secure/i);
	});

	it('the database holds the SHA-256 of the token and never the cookie value', async () => {
		const client = new Client(server.url);
		await client.register('Hashed');
		const token = sessionCookie(client)!;
		expect(token.length).toBeGreaterThanOrEqual(20);
		const rows = server.query<Record<string, unknown>>('SELECT * FROM session');
		expect(rows.map((row) => row.id)).toContain(hashSessionToken(token));
		expect(JSON.stringify(rows)).not.toContain(token);
	});

	it('login answers the same 401 for an unknown name and a wrong password', async () => {
		const unknown = await new Client(server.url).login('Nobody', 'password123');
		const wrong = await new Client(server.url).login('Ada', 'wrong-password');
		expect(unknown.status).toBe(401);
		expect(wrong.status).toBe(401);
		expect(await unknown.json()).toEqual(await wrong.json());
	});

	it('login sets a session that GET /api/auth/session and /api/auth/account describe', async () => {
		const client = new Client(server.url);
		const response = await client.login('ada', 'password123');
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ name: 'Ada', type: 'admin' });
		const state = await (await client.fetch('/api/auth/session')).json();
		expect(state.session).toMatchObject({ account: { name: 'Ada', type: 'admin' } });
		expect(state.session.id).not.toBe(sessionCookie(client));
		expect(state.session.id).not.toBe(hashSessionToken(sessionCookie(client)!));
		expect(state.session.rotatesAt).toBeGreaterThan(state.session.createdAt);
		const account = await client.fetch('/api/auth/account');
		expect(await account.json()).toMatchObject({ name: 'Ada' });
	});

	it('logout ends the session: 204, the cookie cleared, the row gone', async () => {
		const client = new Client(server.url);
		await client.login('Ada');
		const key = hashSessionToken(sessionCookie(client)!);
		const token = sessionCookie(client)!;
		const response = await client.json('/api/auth/session', 'DELETE');
		expect(response.status).toBe(204);
		expect(sessionCookie(client)).toBeUndefined();
		expect(server.query('SELECT id FROM session WHERE id = ?', key)).toEqual([]);
		const replay = await fetch(server.url + '/api/auth/account', {
			headers: { cookie: `tidewatch_session=${token}` }
		});
		expect(replay.status).toBe(401);
	});

	it('without a session the account is 401 and the session is null', async () => {
		const client = new Client(server.url);
		expect((await client.fetch('/api/auth/account')).status).toBe(401);
		expect(await (await client.fetch('/api/auth/session')).json()).toEqual({ session: null });
		expect((await client.json('/api/auth/session', 'DELETE')).status).toBe(401);
	});

	it('bad input is a 400 naming the problem and creates nothing', async () => {
		const client = new Client(server.url);
		const before = server.query('SELECT COUNT(*) AS n FROM "user"');
		const cases: [unknown, RegExp][] = [
			[{ name: 'x' }, /password is required/],
			[{ name: 'x', password: 'short' }, /password must be 8 to 256/],
			[{ name: '', password: 'password123' }, /name must be 1 to 64/],
			[{ name: 'x', password: 'password123', admin: true }, /unknown field: admin/],
			[[], /expected object/i]
		];
		for (const [body, message] of cases) {
			const response = await client.json('/api/auth/register', 'POST', body);
			expect(response.status).toBe(400);
			expect((await response.json()).message).toMatch(message);
		}
		const garbage = await client.fetch('/api/auth/register', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"name":'
		});
		expect(garbage.status).toBe(400);
		expect(await garbage.json()).toEqual({ message: 'the body is not valid JSON' });
		expect(server.query('SELECT COUNT(*) AS n FROM "user"')).toEqual(before);
	});
});

describe('accounts and sessions through forms, as without JavaScript', () => {
	it('register, log out and log in with plain form posts', async () => {
		const client = new Client(server.url);
		const registered = await client.form('/register?/register', {
			name: 'Formal',
			password: 'password123'
		});
		expect(registered.status).toBe(303);
		expect(registered.headers.get('location')).toBe('/');
		expect(sessionCookie(client)).toBeDefined();
		const home = await (await client.fetch('/')).text();
		expect(home).toContain('Formal');

		const out = await client.form('/logout?/logout', {});
		expect(out.status).toBe(303);
		expect(sessionCookie(client)).toBeUndefined();

		const wrong = await client.form('/login?/login', { name: 'Formal', password: 'nope-nope' });
		expect(wrong.status).toBe(401);
		const page = await wrong.text();
		expect(page).toContain('wrong name or password');
		expect(page).toContain('value="Formal"');

		const back = await client.form('/login?/login', { name: 'Formal', password: 'password123' });
		expect(back.status).toBe(303);
		expect(sessionCookie(client)).toBeDefined();
	});

	it('a form posted from a foreign origin is refused (CSRF)', async () => {
		const client = new Client(server.url);
		const response = await client.fetch('/register?/register', {
			method: 'POST',
			headers: {
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: 'name=Mallory&password=password123'
		});
		expect(response.status).toBe(403);
		expect(server.query('SELECT id FROM "user" WHERE name = \'Mallory\'')).toEqual([]);
	});
});

describe('start-up', () => {
	it('a bad configuration stops the server with one line naming the variable', () => {
		const result = spawnSync(process.execPath, ['server.js'], {
			env: { ...process.env, PORT: '0', SESSION_GRACE_SECONDS: 'soon', DATABASE_PATH: ':memory:' },
			encoding: 'utf8',
			timeout: 20_000
		});
		expect(result.status).toBe(1);
		expect(result.stderr.trim()).toMatch(/^Invalid configuration: SESSION_GRACE_SECONDS="soon"/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
	});
});
