import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

const server = serverForSuite({ RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION: '3' });

let count = 0;
async function registered(prefix: string): Promise<Client & { name: string }> {
	const name = `${prefix}-${++count}`;
	const client = Object.assign(new Client(server.url), { name });
	expect((await client.register(name)).status).toBe(201);
	return client;
}

/** The first user registered in the suite is its admin. */
const admin = (() => {
	let made: Promise<Client & { name: string }> | undefined;
	return () =>
		(made ??= registered('admin').then(async (client) => {
			await client.setUp();
			return client;
		}));
})();

async function idOf(viewer: Client, name: string): Promise<string> {
	const users = (await (await viewer.fetch('/api/users')).json()) as { id: string; name: string }[];
	return users.find((user) => user.name === name)!.id;
}

/** Posts a form as `use:enhance` does, with JavaScript on. */
const enhanced = (client: Client, path: string, fields: Record<string, string>) =>
	client.fetch(path, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		body: new URLSearchParams(fields).toString()
	});

describe('an empty current password', () => {
	it('is answered 400 "enter your current password", naming the field, by the API and the forms, and never counts as a wrong guess', async () => {
		await admin();
		const holder = await registered('holder');
		const empty = { currentPassword: '' };
		for (let i = 0; i < 4; i++) {
			for (const response of [
				await holder.json('/api/auth/sessions', 'DELETE', empty),
				await holder.json('/api/auth/account', 'PATCH', { ...empty, password: 'new-password-1' }),
				await holder.json('/api/auth/account', 'DELETE', empty)
			]) {
				expect(response.status).toBe(400);
				expect(await response.json()).toEqual({
					message: 'currentPassword is empty: enter your current password'
				});
			}
			const form = await holder.form('/account?/endSessions', { id: 'others', ...empty });
			expect(form.status).toBe(400);
			expect(await form.text()).toContain('enter your current password');
		}
		// Far more empty answers than wrong ones are allowed, and the right password still works.
		const right = await holder.json('/api/auth/sessions', 'DELETE', {
			currentPassword: 'password123'
		});
		expect(right.status).toBe(204);
	});
});

describe('after a destructive form succeeds without JavaScript', () => {
	it('/users?/delete redirects 303 to /users?done=user-deleted, which says so; with JavaScript the answer stays in place', async () => {
		const boss = await admin();
		const first = await registered('victim');
		const answer = await boss.form('/users?/delete', {
			id: await idOf(boss, first.name),
			confirm: 'yes'
		});
		expect(answer.status).toBe(303);
		expect(answer.headers.get('location')).toBe('/users?done=user-deleted');
		expect(await (await boss.fetch('/users?done=user-deleted')).text()).toContain(
			'The user was deleted.'
		);

		const second = await registered('victim');
		const withJs = await enhanced(boss, '/users?/delete', {
			id: await idOf(boss, second.name),
			confirm: 'yes'
		});
		expect(withJs.status).toBe(200);
		expect(await withJs.json()).toMatchObject({ type: 'success' });
	});

	it('/account?/endSessions redirects 303 to /account?done=…; a failure keeps the form answer in place', async () => {
		const holder = await registered('ender');
		const elsewhere = new Client(server.url);
		expect((await elsewhere.login(holder.name)).status).toBe(200);

		const wrong = await holder.form('/account?/endSessions', {
			id: 'others',
			currentPassword: 'not-the-password'
		});
		expect(wrong.status).toBe(403);

		const ended = await holder.form('/account?/endSessions', {
			id: 'others',
			currentPassword: 'password123'
		});
		expect(ended.status).toBe(303);
		expect(ended.headers.get('location')).toBe('/account?done=sessions-ended');
		expect(await (await holder.fetch('/account?done=sessions-ended')).text()).toContain(
			'Every other session was ended.'
		);
		expect((await elsewhere.fetch('/api/auth/account')).status).toBe(401);
	});

	it('an unknown ?done= key shows nothing', async () => {
		const holder = await registered('reader');
		const page = await (await holder.fetch('/account?done=account-hacked')).text();
		expect(page).not.toContain('role="status"');
	});
});

describe('the home page greeting', () => {
	it('says "Welcome" on the first visit after registering, "Welcome back" from then on', async () => {
		await admin();
		const newcomer = new Client(server.url);
		const registering = await newcomer.form('/register?/register', {
			name: 'newcomer',
			password: 'password123'
		});
		expect(registering.status).toBe(303);
		expect(await (await newcomer.fetch('/')).text()).toMatch(/Welcome, <strong[^>]*>newcomer/);
		expect(await (await newcomer.fetch('/')).text()).toMatch(/Welcome back, <strong[^>]*>newcomer/);
	});
});

describe('names through the API', () => {
	it('a ZWJ emoji name registers; a 65th character is refused with a message that counts it', async () => {
		await admin();
		const dev = new Client(server.url);
		const answer = await dev.register('dev 👩‍💻');
		expect(answer.status).toBe(201);
		expect((await (await dev.fetch('/api/auth/account')).json()).name).toBe('dev 👩‍💻');
		const tooLong = await new Client(server.url).register('👩‍💻'.repeat(65));
		expect(tooLong.status).toBe(400);
		expect(await tooLong.json()).toEqual({
			message: 'name must be 1 to 64 characters (this one has 65)'
		});
	});
});

describe('names in forms', () => {
	it('no name field cuts what is typed (maxlength counts UTF-16 units: 13 ZWJ emoji pass 64); the server counts and explains', async () => {
		const boss = await admin();
		const person = await registered('renamed');
		const id = await idOf(boss, person.name);
		const pages: [Client, string][] = [
			[new Client(server.url), '/register'],
			[person, '/account'],
			[boss, `/users/${id}`]
		];
		for (const [viewer, path] of pages) {
			const html = await (await viewer.fetch(path)).text();
			const inputs = html.match(/<input[^>]*\bname="name"[^>]*>/g) ?? [];
			expect(inputs.length, path).toBeGreaterThan(0);
			for (const input of inputs) expect(input, path).not.toMatch(/\bmaxlength=/);
		}
		const long = '👩‍💻'.repeat(64);
		const renamed = await boss.form(`/users/${id}?/rename`, { id, name: long });
		expect(renamed.status).toBe(200);
		expect(server.query('SELECT name FROM "user" WHERE id = ?', id)).toEqual([{ name: long }]);
		const refused = await boss.form(`/users/${id}?/rename`, { id, name: long + '👩‍💻' });
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('name must be 1 to 64 characters (this one has 65)');
	});
});
