import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiCreatedPasswordReset, ApiUser } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';
import { connectStream, type TestStream } from '../helpers/stream';

/*
 * Password reset links (admin's and operator's), used through the API and the no-JS form,
 * against the real built server.
 */

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

let seq = 0;
const fresh = (base: string) => `${base}${++seq}`;

async function registered(server: TestServer, base: string, agent = base) {
	const client = new Client(server.url, agent);
	const response = await client.register(fresh(base));
	expect(response.status).toBe(201);
	return { client, user: (await response.json()) as ApiUser };
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

async function createLink(admin: Client, userId: string, body: object = {}) {
	const response = await admin.json(`/api/users/${userId}/password-reset`, 'POST', body);
	expect(response.status, await response.clone().text()).toBe(201);
	return (await response.json()) as ApiCreatedPasswordReset;
}

function runScript(server: TestServer, ...args: string[]) {
	return spawnSync(process.execPath, ['scripts/command.js', 'reset-password', ...args], {
		encoding: 'utf8',
		env: {
			...process.env,
			DATABASE_PATH: server.dbPath,
			...(server.databaseUrl && { DATABASE_URL: server.databaseUrl }),
			ORIGIN: ''
		}
	});
}

describe('password reset links', () => {
	const server = serverForSuite();
	let admin: Client;

	it('only an admin may create one: 401 logged out, 403 regular or crew, 201 admin', async () => {
		({ client: admin } = await registered(server, 'admin'));
		const { user: target } = await registered(server, 'target');
		const { client: regular } = await registered(server, 'regular');
		const { client: crew, user: crewUser } = await registered(server, 'crew');
		await admin.json(`/api/users/${crewUser.id}`, 'PATCH', { type: 'crew' });
		const path = `/api/users/${target.id}/password-reset`;

		expect((await new Client(server.url).json(path, 'POST', {})).status).toBe(401);
		expect((await regular.json(path, 'POST', {})).status).toBe(403);
		expect((await crew.json(path, 'POST', {})).status).toBe(403);
		const created = await createLink(admin, target.id);
		expect(Object.keys(created).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'url']);
		expect(created.url.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
		expect(created.expiresAt - created.createdAt).toBe(24 * 3_600_000);
		// Only the hash is kept; the admin who made it is.
		const rows = server.query<{ token_hash: string; created_by: string }>(
			'SELECT token_hash, created_by FROM password_reset WHERE id = ?',
			created.id
		);
		expect(rows[0].token_hash).not.toContain(tokenOf(created.url));
		expect(rows[0].created_by).not.toBeNull();
	});

	it('a lifetime beyond 72 hours, an unknown field or an unknown user is refused', async () => {
		const { user } = await registered(server, 'bounds');
		const path = `/api/users/${user.id}/password-reset`;
		expect((await admin.json(path, 'POST', { expiresInHours: 73 })).status).toBe(400);
		expect((await admin.json(path, 'POST', { hours: 1 })).status).toBe(400);
		expect((await admin.json('/api/users/nobody/password-reset', 'POST', {})).status).toBe(404);
	});

	it('a link works once: it sets the password, ends every session of the user (streams close 4001 within 1 s) and logs the caller in', async () => {
		const { client: owner, user } = await registered(server, 'owner', 'old browser');
		const stream = await connectStream(server, { cookie: owner.cookieHeader });
		streams.push(stream);
		const { url } = await createLink(admin, user.id);

		const elsewhere = new Client(server.url, 'new browser');
		const started = Date.now();
		const response = await elsewhere.json('/api/auth/password-reset', 'POST', {
			token: tokenOf(url),
			password: 'brand-new-pass'
		});
		expect(response.status).toBe(200);
		expect(((await response.json()) as ApiUser).id).toBe(user.id);
		expect(await stream.waitForClose(1000)).toEqual({ code: 4001, reason: 'revoked' });
		expect(Date.now() - started).toBeLessThan(1000 + 500);

		// The old browser is out; the new one is in; only the new password works.
		expect((await (await owner.fetch('/api/auth/session')).json()).session).toBeNull();
		expect((await (await elsewhere.fetch('/api/auth/session')).json()).session.account.id).toBe(
			user.id
		);
		expect((await new Client(server.url).login(user.name)).status).toBe(401);
		expect((await new Client(server.url).login(user.name, 'brand-new-pass')).status).toBe(200);

		const again = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
			token: tokenOf(url),
			password: 'another-pass-1'
		});
		expect(again.status).toBe(410);
		expect(await again.json()).toEqual({ message: 'that password reset link was already used' });
		expect((await new Client(server.url).login(user.name, 'brand-new-pass')).status).toBe(200);
	});

	it('of two parallel uses of one link, exactly one succeeds', async () => {
		const { user } = await registered(server, 'twice');
		const { url } = await createLink(admin, user.id);
		const passwords = ['first-password', 'second-password'];
		const answers = await Promise.all(
			passwords.map((password) =>
				new Client(server.url).json('/api/auth/password-reset', 'POST', {
					token: tokenOf(url),
					password
				})
			)
		);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 410]);
		const winner = passwords[answers.findIndex((a) => a.status === 200)];
		const loser = passwords.find((p) => p !== winner)!;
		expect((await new Client(server.url).login(user.name, winner)).status).toBe(200);
		expect((await new Client(server.url).login(user.name, loser)).status).toBe(401);
	});

	it('an expired link is refused with 410 and changes nothing', async () => {
		const { client: owner, user } = await registered(server, 'late');
		const { url } = await createLink(admin, user.id, { expiresInHours: 1 / 3600 });
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const response = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
			token: tokenOf(url),
			password: 'too-late-pass'
		});
		expect(response.status).toBe(410);
		expect(await response.json()).toEqual({ message: 'that password reset link has expired' });
		expect((await (await owner.fetch('/api/auth/session')).json()).session).not.toBeNull();
		expect((await new Client(server.url).login(user.name)).status).toBe(200);
		// The page says so, plainly, without a form.
		const page = await new Client(server.url).fetch(new URL(url).pathname + new URL(url).search);
		expect(page.status).toBe(410);
	});

	it('an unknown link is refused with 400', async () => {
		const response = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
			token: 'x'.repeat(43),
			password: 'whatever-pass'
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ message: 'that password reset link is not valid' });
		expect((await new Client(server.url).fetch('/reset-password?token=nope')).status).toBe(400);
	});

	it('a new link for a user revokes their earlier unused one', async () => {
		const { user } = await registered(server, 'renewed');
		const first = await createLink(admin, user.id);
		const second = await createLink(admin, user.id);
		const use = (url: string) =>
			new Client(server.url).json('/api/auth/password-reset', 'POST', {
				token: tokenOf(url),
				password: 'renewed-pass'
			});
		expect((await use(first.url)).status).toBe(400);
		expect((await use(second.url)).status).toBe(200);
	});

	it('the page works without JavaScript: the form sets the password and logs the person in', async () => {
		const { user } = await registered(server, 'nojs');
		const { url } = await createLink(admin, user.id);
		const browser = new Client(server.url);
		const page = await browser.fetch(`/reset-password?token=${tokenOf(url)}`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('name="passwordAgain"');

		const differ = await browser.form(`/reset-password?/reset&token=${tokenOf(url)}`, {
			token: tokenOf(url),
			password: 'nojs-password',
			passwordAgain: 'nojs-passwort'
		});
		expect(differ.status).toBe(400);
		expect(await differ.text()).toContain('the two passwords differ');

		const done = await browser.form(`/reset-password?/reset&token=${tokenOf(url)}`, {
			token: tokenOf(url),
			password: 'nojs-password',
			passwordAgain: 'nojs-password'
		});
		expect(done.status).toBe(303);
		expect(done.headers.get('location')).toBe('/');
		expect((await (await browser.fetch('/api/auth/session')).json()).session.account.id).toBe(
			user.id
		);
		expect((await new Client(server.url).login(user.name, 'nojs-password')).status).toBe(200);
	});

	it("the operator's command makes a working link against the running server's database", async () => {
		const { client: owner, user } = await registered(server, 'Operated');
		const stream = await connectStream(server, { cookie: owner.cookieHeader });
		streams.push(stream);
		// Names compare ignoring case, as at login.
		const run = runScript(server, user.name.toUpperCase(), '--origin', server.url);
		expect(run.status, run.stderr).toBe(0);
		const url = run.stdout.match(/https?:\/\/\S+/)![0];
		expect(url.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
		expect(
			server.query('SELECT created_by FROM password_reset WHERE user_id = ?', user.id)
		).toEqual([{ created_by: null }]);

		const response = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
			token: tokenOf(url),
			password: 'operator-made'
		});
		expect(response.status).toBe(200);
		expect(await stream.waitForClose(1000)).toEqual({ code: 4001, reason: 'revoked' });
		expect((await new Client(server.url).login(user.name, 'operator-made')).status).toBe(200);
	});

	it("the command's link is audited as the operator's, and a suspended user gets none", async () => {
		const { user } = await registered(server, 'Audited');
		const run = runScript(server, user.name);
		expect(run.status, run.stderr).toBe(0);
		expect(
			server.query<{ actor_id: string | null; detail: string }>(
				"SELECT actor_id, detail FROM audit WHERE action = 'password-reset-create' AND target_id = ?",
				user.id
			)
		).toEqual([{ actor_id: null, detail: expect.stringContaining("by the operator's command") }]);

		const { user: suspended } = await registered(server, 'Suspended');
		const patch = await admin.json(`/api/users/${suspended.id}`, 'PATCH', { suspended: true });
		expect(patch.status).toBe(200);
		const refused = runScript(server, suspended.name);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain('suspended');
		expect(refused.stdout).toBe('');
		expect(server.query('SELECT id FROM password_reset WHERE user_id = ?', suspended.id)).toEqual(
			[]
		);
	});

	it('the command without an origin prints a path to prefix', () => {
		const run = runScript(server, 'admin1');
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/^\/reset-password\?token=[\w-]{43}$/m);
	});

	it('the command fails cleanly for an unknown name, or without one', () => {
		const unknown = runScript(server, 'nobody-here');
		expect(unknown.status).toBe(1);
		expect(unknown.stderr.trim()).toBe(
			'No user named "nobody-here". Names are compared ignoring case.'
		);
		expect(unknown.stdout).toBe('');
		const none = runScript(server);
		expect(none.status).toBe(2);
		expect(none.stderr).toContain('Usage: npm run reset-password');
	});
});

describe('guessing reset links', () => {
	const server = serverForSuite({ RATE_LIMIT_PASSWORD_RESET_FAILURES_PER_ADDRESS: '3' });

	it('bad links from one address are refused with 429 beyond the limit', async () => {
		const guesser = new Client(server.url);
		const guess = () =>
			guesser.json('/api/auth/password-reset', 'POST', {
				token: 'guess-' + Math.random(),
				password: 'guessing-pass'
			});
		for (let i = 0; i < 3; i++) expect((await guess()).status).toBe(400);
		const refused = await guess();
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		// Opening a link is not counted, nor blocked: any site can make a browser open one.
		expect((await guesser.fetch('/reset-password?token=more-guessing')).status).toBe(400);
	});
});
