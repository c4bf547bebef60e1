import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

const server = serverForSuite();
// The first user is the admin; the users under test are regular.
let admin: Client;
beforeAll(async () => {
	admin = new Client(server.url);
	await admin.register('the-admin');
	await admin.setUp();
});

const cookieName = 'tidewatch_session';
let counter = 0;

/** One user logged in on two browsers: `here` acts, `there` comes back later. */
async function onTwoBrowsers() {
	const name = `user-${++counter}-${Date.now()}`;
	const here = new Client(server.url, 'here');
	expect((await here.register(name)).status).toBe(201);
	const there = new Client(server.url, 'there');
	expect((await there.login(name)).status).toBe(200);
	const { id } = (await (await here.fetch('/api/auth/account')).json()) as { id: string };
	return { here, there, id };
}

/** What the other browser is told, through the API and through a page that needs a session. */
async function expectTold(there: Client, notice: string) {
	const token = there.cookies.get(cookieName)!;
	const state = await there.fetch('/api/auth/session');
	expect(await state.json()).toEqual({ session: null, notice });
	expect(there.cookies.has(cookieName)).toBe(false);

	// Without JavaScript: straight to /account, then on to /login, which says it.
	const page = new Client(server.url);
	page.cookies.set(cookieName, token);
	const account = await page.fetch('/account', { headers: { accept: 'text/html' } });
	expect(account.status).toBe(303);
	expect(account.headers.get('location')).toBe(`/login?notice=${notice}&next=/account`);
	const login = await page.fetch(account.headers.get('location')!);
	expect(login.status).toBe(200);
	expect(await login.text()).toContain(`data-testid="${notice}"`);
}

describe('an ended session tells why on the next request', () => {
	it('ended from another browser (sessions list): session-ended-elsewhere', async () => {
		const { here, there } = await onTwoBrowsers();
		const list = (await (await here.fetch('/api/auth/sessions')).json()) as {
			id: string;
			current: boolean;
		}[];
		const other = list.find((session) => !session.current)!;
		const ended = await here.json(`/api/auth/sessions/${other.id}`, 'DELETE', {
			currentPassword: 'password123'
		});
		expect(ended.status).toBe(204);
		await expectTold(there, 'session-ended-elsewhere');
	});

	it('ended by a password change elsewhere: password-changed', async () => {
		const { here, there } = await onTwoBrowsers();
		const changed = await here.json('/api/auth/account', 'PATCH', {
			password: 'a-new-password',
			currentPassword: 'password123'
		});
		expect(changed.status).toBe(200);
		await expectTold(there, 'password-changed');
		expect((await here.fetch('/api/auth/session').then((r) => r.json())).session).not.toBeNull();
	});

	it('its user deleted by an admin: user-deleted', async () => {
		const { there, id } = await onTwoBrowsers();
		expect((await admin.fetch(`/api/users/${id}`, { method: 'DELETE' })).status).toBe(204);
		await expectTold(there, 'user-deleted');
	});

	it('a plain logout by the person: no notice, and /account goes to /login plainly', async () => {
		const { here } = await onTwoBrowsers();
		const token = here.cookies.get(cookieName)!;
		expect((await here.fetch('/api/auth/session', { method: 'DELETE' })).status).toBe(204);
		const again = new Client(server.url);
		again.cookies.set(cookieName, token);
		expect(await (await again.fetch('/api/auth/session')).json()).toEqual({ session: null });
		again.cookies.set(cookieName, token);
		const account = await again.fetch('/account', { headers: { accept: 'text/html' } });
		expect(account.headers.get('location')).toBe('/login?next=/account');
	});

	it('the notice is told once: the cleared cookie leaves a plain visitor', async () => {
		const { here, there } = await onTwoBrowsers();
		await here.json('/api/auth/account', 'PATCH', {
			password: 'a-new-password',
			currentPassword: 'password123'
		});
		expect((await there.fetch('/api/auth/session').then((r) => r.json())).notice).toBe(
			'password-changed'
		);
		expect(await (await there.fetch('/api/auth/session')).json()).toEqual({ session: null });
	});
});

describe('every page that needs a login', () => {
	it('carries the notice through its redirect to /login, admin pages included', async () => {
		const { here, there, id } = await onTwoBrowsers();
		const token = there.cookies.get(cookieName)!;
		const list = (await (await here.fetch('/api/auth/sessions')).json()) as {
			id: string;
			current: boolean;
		}[];
		const other = list.find((session) => !session.current)!;
		await here.json(`/api/auth/sessions/${other.id}`, 'DELETE', { currentPassword: 'password123' });
		const paths = [
			'/account',
			'/admin',
			'/admin/locations',
			'/admin/entries',
			`/users/${id}`,
			'/users/audit'
		];
		const locations: Record<string, string | null> = {};
		for (const path of paths) {
			// The tombstone tells each fresh presentation, until it would have expired.
			const page = new Client(server.url);
			page.cookies.set(cookieName, token);
			const answer = await page.fetch(path, { headers: { accept: 'text/html' } });
			locations[path] = answer.headers.get('location');
		}
		expect(locations).toEqual(
			Object.fromEntries(
				paths.map((path) => [path, `/login?notice=session-ended-elsewhere&next=${path}`])
			)
		);
	});
});

describe('the login page', () => {
	it('tells only a known notice from its address, never free text', async () => {
		const visitor = new Client(server.url);
		const known = await visitor.fetch('/login?notice=user-deleted');
		expect(await known.text()).toContain('your account was deleted');
		const unknown = await (await visitor.fetch('/login?notice=%3Cb%3Ehello')).text();
		expect(unknown).not.toContain('role="alert"');
		expect(unknown).not.toContain('hello');
	});
});
