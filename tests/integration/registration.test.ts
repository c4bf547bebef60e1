import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCreatedInvitation, ApiInvitation, ApiSettings } from '../../src/lib/api';
import { hashSecretToken } from '../../src/lib/server/auth/secret-token';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';
import { connectStream, lastEventId, type TestStream } from '../helpers/stream';

/*
 * Registration modes and invitations (open, invite, closed), the settings API and its event,
 * against the real built server.
 */

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

let seq = 0;
const fresh = (base: string) => `${base}${++seq}`;

async function expectError(response: Response, status: number): Promise<string> {
	const text = await response.text();
	expect(response.status, text).toBe(status);
	const body = JSON.parse(text);
	expect(Object.keys(body)).toEqual(['message']);
	return body.message;
}

interface Cast {
	public: Client;
	regular: Client;
	admin: Client;
}

/** The first user (admin) and one regular user, on an open server. */
async function castOf(server: TestServer): Promise<Cast> {
	const admin = new Client(server.url);
	expect((await admin.register(fresh('admin'))).status).toBe(201);
	await admin.setUp();
	const regular = new Client(server.url);
	expect((await regular.register(fresh('regular'))).status).toBe(201);
	return { public: new Client(server.url), regular, admin };
}

async function setRegistration(admin: Client, registration: ApiSettings['registration']) {
	const response = await admin.json('/api/settings', 'PATCH', { registration });
	expect(response.status).toBe(200);
}

async function invite(admin: Client, expiresInHours?: number): Promise<ApiCreatedInvitation> {
	const body = expiresInHours === undefined ? {} : { expiresInHours };
	const response = await admin.json('/api/invitations', 'POST', body);
	expect(response.status).toBe(201);
	return response.json();
}

const tokenOf = (invitation: ApiCreatedInvitation) =>
	new URL(invitation.url).searchParams.get('invitation')!;

function registerWith(server: TestServer, name: string, invitation?: string) {
	return new Client(server.url).json('/api/auth/register', 'POST', {
		name,
		password: 'password123',
		...(invitation === undefined ? {} : { invitation })
	});
}

function userCount(server: TestServer): number {
	return server.query<{ n: number }>('SELECT COUNT(*) AS n FROM "user"')[0].n;
}

describe('settings and invitations, per access level', () => {
	const server = serverForSuite();
	let cast: Cast;
	beforeAll(async () => {
		cast = await castOf(server);
	});

	it('anyone reads the settings; a fresh instance is open, named Tidewatch, in UTC', async () => {
		for (const client of Object.values(cast)) {
			const response = await client.fetch('/api/settings');
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({
				name: 'Tidewatch',
				timeZone: 'UTC',
				registration: 'open',
				dayStartsAt: '00:00'
			});
		}
	});

	it('only an admin changes the settings', async () => {
		const head = await lastEventId(server);
		await expectError(await cast.public.json('/api/settings', 'PATCH', { name: 'X' }), 401);
		await expectError(await cast.regular.json('/api/settings', 'PATCH', { name: 'X' }), 403);
		expect(await lastEventId(server)).toBe(head);
		const response = await cast.admin.json('/api/settings', 'PATCH', {
			name: 'Tide Fest',
			timeZone: 'europe/berlin'
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			name: 'Tide Fest',
			timeZone: 'Europe/Berlin',
			registration: 'open',
			dayStartsAt: '00:00'
		});
		expect(await (await cast.public.fetch('/api/settings')).json()).toMatchObject({
			name: 'Tide Fest'
		});
	});

	it('a bad settings patch is refused with 400 naming the problem, and changes nothing', async () => {
		const head = await lastEventId(server);
		const bad: [unknown, RegExp][] = [
			[{ timeZone: 'Mars/Olympus' }, /timeZone/],
			[{ registration: 'sometimes' }, /registration/],
			[{ name: 'x'.repeat(101) }, /name/],
			[{}, /nothing to change/],
			[{ colour: 'red' }, /unknown field/]
		];
		for (const [body, message] of bad) {
			expect(await expectError(await cast.admin.json('/api/settings', 'PATCH', body), 400)).toMatch(
				message
			);
		}
		expect(await lastEventId(server)).toBe(head);
	});

	it('a settings change emits settings-update with the whole settings to every stream, the public one included', async () => {
		const head = await lastEventId(server);
		const open = await Promise.all(
			Object.values(cast).map((client) =>
				connectStream(server, { cookie: client.cookieHeader, lastEventId: head })
			)
		);
		streams.push(...open);
		const response = await cast.admin.json('/api/settings', 'PATCH', { registration: 'closed' });
		const settings = await response.json();
		for (const stream of open) {
			await stream.waitForEvent(head + 1);
			expect(stream.events).toEqual([
				{ type: 'event', id: head + 1, event: { type: 'settings-update', data: settings } }
			]);
		}
		await setRegistration(cast.admin, 'open');
	});

	it('only an admin creates, lists and revokes invitations', async () => {
		for (const [client, status] of [
			[cast.public, 401],
			[cast.regular, 403]
		] as const) {
			await expectError(await client.json('/api/invitations', 'POST', {}), status);
			await expectError(await client.fetch('/api/invitations'), status);
			await expectError(await client.fetch('/api/invitations/x', { method: 'DELETE' }), status);
		}
		const before = Date.now();
		const created = await invite(cast.admin);
		expect(Object.keys(created).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'url']);
		expect(created.expiresAt - created.createdAt).toBe(72 * 3_600_000);
		expect(created.createdAt).toBeGreaterThanOrEqual(before);
		const url = new URL(created.url);
		expect(url.origin).toBe(server.url);
		expect(url.pathname).toBe('/register');
		// 32 random bytes, base64url.
		expect(tokenOf(created)).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const list = (await (await cast.admin.fetch('/api/invitations')).json()) as ApiInvitation[];
		const listed = list.find((invitation) => invitation.id === created.id)!;
		expect(listed).toEqual({
			id: created.id,
			createdAt: created.createdAt,
			expiresAt: created.expiresAt,
			usedAt: null,
			createdBy: expect.any(String),
			usedBy: null
		});
		expect(JSON.stringify(list)).not.toContain(tokenOf(created));

		const revoke = await cast.admin.fetch(`/api/invitations/${created.id}`, { method: 'DELETE' });
		expect(revoke.status).toBe(204);
		await expectError(
			await cast.admin.fetch(`/api/invitations/${created.id}`, { method: 'DELETE' }),
			404
		);
	});

	it('an invitation is stored only as the SHA-256 of its token', async () => {
		const created = await invite(cast.admin);
		const rows = server.query<Record<string, unknown>>(
			'SELECT * FROM invitation WHERE id = ?',
			created.id
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].token_hash).toBe(hashSecretToken(tokenOf(created)));
		expect(JSON.stringify(rows)).not.toContain(tokenOf(created));
	});

	it('an invitation lives at most 30 days', async () => {
		for (const expiresInHours of [0, -1, 1e-9, 721, '24']) {
			expect(
				await expectError(
					await cast.admin.json('/api/invitations', 'POST', { expiresInHours }),
					400
				)
			).toMatch(/expiresInHours/);
		}
		const longest = await invite(cast.admin, 720);
		expect(longest.expiresAt - longest.createdAt).toBe(30 * 24 * 3_600_000);
	});

	it('the admin page is for admins only', async () => {
		const anonymous = await cast.public.fetch('/admin', { headers: { accept: 'text/html' } });
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/login?next=/admin');
		const regular = await cast.regular.fetch('/admin', { headers: { accept: 'text/html' } });
		expect(regular.status).toBe(403);
		const admin = await cast.admin.fetch('/admin', { headers: { accept: 'text/html' } });
		expect(admin.status).toBe(200);
		// Only admins see the header's link to it.
		const home = (client: Client) =>
			client.fetch('/', { headers: { accept: 'text/html' } }).then((r) => r.text());
		expect(await home(cast.admin)).toMatch(/href="[^"]*admin"/);
		expect(await home(cast.regular)).not.toMatch(/href="[^"]*admin"/);
		expect(await home(cast.public)).not.toMatch(/href="[^"]*admin"/);
		const head = await lastEventId(server);
		const action = await cast.regular.form('/admin?/settings', {
			name: 'Mine',
			timeZone: 'UTC',
			registration: 'closed'
		});
		expect(action.status).toBe(403);
		expect(await lastEventId(server)).toBe(head);
	});
});

describe('registration modes', () => {
	const server = serverForSuite();
	let cast: Cast;
	beforeAll(async () => {
		cast = await castOf(server);
	});

	it('while closed, registering answers 403 "registration is closed" and creates nothing', async () => {
		await setRegistration(cast.admin, 'closed');
		const users = userCount(server);
		const head = await lastEventId(server);
		const response = await registerWith(server, fresh('shut'));
		expect(await expectError(response, 403)).toBe('registration is closed');
		const form = await new Client(server.url).form('/register?/register', {
			name: fresh('shut'),
			password: 'password123'
		});
		expect(form.status).toBe(403);
		expect(userCount(server)).toBe(users);
		// The page says so plainly, and offers no form, without JavaScript too.
		const page = await (
			await new Client(server.url).fetch('/register', { headers: { accept: 'text/html' } })
		).text();
		expect(page).toContain('Registration is closed');
		expect(page).not.toContain('name="password"');
		expect(await lastEventId(server)).toBe(head);
		await setRegistration(cast.admin, 'open');
	});

	it('while open, anyone registers and an invitation given along is left unused', async () => {
		const created = await invite(cast.admin);
		expect((await registerWith(server, fresh('free'), tokenOf(created))).status).toBe(201);
		const [row] = server.query<{ used_at: number | null }>(
			'SELECT used_at FROM invitation WHERE id = ?',
			created.id
		);
		expect(row.used_at).toBeNull();
	});

	it('by invitation, registering needs a valid invitation, which it uses up', async () => {
		await setRegistration(cast.admin, 'invite');
		expect(await expectError(await registerWith(server, fresh('none')), 403)).toBe(
			'registration needs an invitation'
		);
		expect(await expectError(await registerWith(server, fresh('bogus'), 'nope'), 403)).toBe(
			'that invitation is not valid'
		);

		const created = await invite(cast.admin);
		const response = await registerWith(server, fresh('guest'), tokenOf(created));
		expect(response.status).toBe(201);
		const user = await response.json();
		expect(user.type).toBe('regular');
		const [row] = server.query<{ used_at: number; used_by: string }>(
			'SELECT used_at, used_by FROM invitation WHERE id = ?',
			created.id
		);
		expect(row.used_by).toBe(user.id);
		expect(row.used_at).toBeGreaterThanOrEqual(user.createdAt);

		expect(
			await expectError(await registerWith(server, fresh('again'), tokenOf(created)), 403)
		).toBe('that invitation was already used');
		await setRegistration(cast.admin, 'open');
	});

	it('a refused registration by invitation leaves the invitation unused', async () => {
		await setRegistration(cast.admin, 'invite');
		const created = await invite(cast.admin);
		const taken = fresh('taken');
		expect((await registerWith(server, taken, tokenOf(await invite(cast.admin)))).status).toBe(201);
		expect(await expectError(await registerWith(server, taken, tokenOf(created)), 409)).toMatch(
			/taken/
		);
		expect((await registerWith(server, fresh('second-try'), tokenOf(created))).status).toBe(201);
		await setRegistration(cast.admin, 'open');
	});

	it('two registrations in parallel with one invitation: exactly one succeeds', async () => {
		await setRegistration(cast.admin, 'invite');
		for (let round = 0; round < 5; round++) {
			const token = tokenOf(await invite(cast.admin));
			const users = userCount(server);
			const responses = await Promise.all([
				registerWith(server, fresh('racer'), token),
				registerWith(server, fresh('racer'), token)
			]);
			const statuses = responses.map((response) => response.status).sort();
			expect(statuses).toEqual([201, 403]);
			expect(userCount(server)).toBe(users + 1);
		}
		await setRegistration(cast.admin, 'open');
	});

	it('an expired invitation is refused', async () => {
		await setRegistration(cast.admin, 'invite');
		// 0.0003 hours: about a second.
		const created = await invite(cast.admin, 0.0003);
		await new Promise((resolve) => setTimeout(resolve, created.expiresAt - Date.now() + 50));
		expect(
			await expectError(await registerWith(server, fresh('late'), tokenOf(created)), 403)
		).toBe('that invitation has expired');
		await setRegistration(cast.admin, 'open');
	});

	it('a revoked invitation is refused', async () => {
		await setRegistration(cast.admin, 'invite');
		const created = await invite(cast.admin);
		await cast.admin.fetch(`/api/invitations/${created.id}`, { method: 'DELETE' });
		expect(
			await expectError(await registerWith(server, fresh('revoked'), tokenOf(created)), 403)
		).toBe('that invitation is not valid');
		await setRegistration(cast.admin, 'open');
	});

	it('the register form takes the invitation without JavaScript', async () => {
		await setRegistration(cast.admin, 'invite');
		const created = await invite(cast.admin);
		const page = await new Client(server.url).fetch(
			new URL(created.url).pathname + new URL(created.url).search,
			{
				headers: { accept: 'text/html' }
			}
		);
		const html = await page.text();
		expect(html).toContain(`value="${tokenOf(created)}"`);
		const client = new Client(server.url);
		const response = await client.form('/register?/register', {
			name: fresh('formguest'),
			password: 'password123',
			invitation: tokenOf(created)
		});
		expect(response.status).toBe(303);
		// The session cookie (a second, short-lived one only picks the home page's greeting).
		expect([...client.cookies.keys()]).toContain('tidewatch_session');
		await setRegistration(cast.admin, 'open');
	});
});

describe('REGISTRATION=closed on a fresh instance', () => {
	const server = serverForSuite({ REGISTRATION: 'closed' });

	it('the environment sets the mode of a fresh instance', async () => {
		const settings = await (await fetch(`${server.url}/api/settings`)).json();
		expect(settings.registration).toBe('closed');
	});

	it('the very first user may register anyway, and becomes admin; the next is refused', async () => {
		const first = await registerWith(server, 'founder');
		expect(first.status).toBe(201);
		expect((await first.json()).type).toBe('admin');
		expect(await expectError(await registerWith(server, 'second'), 403)).toBe(
			'registration is closed'
		);
	});

	it("after the admin's change the environment no longer decides, across restarts", async () => {
		const admin = new Client(server.url);
		expect((await admin.login('founder')).status).toBe(200);
		await setRegistration(admin, 'open');
		await server.restart();
		const settings = await (await fetch(`${server.url}/api/settings`)).json();
		expect(settings.registration).toBe('open');
		expect((await registerWith(server, 'latecomer')).status).toBe(201);
	});
});

describe('REGISTRATION=invite', () => {
	const server = serverForSuite({ REGISTRATION: 'invite' });

	it('a fresh instance asks for invitations after its first user', async () => {
		expect((await (await fetch(`${server.url}/api/settings`)).json()).registration).toBe('invite');
		expect((await registerWith(server, 'first')).status).toBe(201);
		expect(await expectError(await registerWith(server, 'second'), 403)).toBe(
			'registration needs an invitation'
		);
	});
});
