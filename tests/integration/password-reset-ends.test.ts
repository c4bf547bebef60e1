import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiCreatedPasswordReset, ApiPasswordResetLink, ApiUser } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';

/*
 * What ends a password reset link (issue 19, findings 3 and 10): its user's own password change
 * or suspension, its maker's admin rights going, an admin revoking it from the user's page; and
 * opening links is not guessing. Each link is shown to work before (its page opens with the
 * form) and refused after, against the real built server.
 */

let seq = 0;
const fresh = (base: string) => `${base}${++seq}`;
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

async function registered(server: TestServer, base: string, agent = base) {
	const client = new Client(server.url, agent);
	const name = fresh(base);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	return { client, user: (await response.json()) as ApiUser, name };
}

async function createLink(admin: Client, userId: string) {
	const response = await admin.json(`/api/users/${userId}/password-reset`, 'POST', {});
	expect(response.status, await response.clone().text()).toBe(201);
	return (await response.json()) as ApiCreatedPasswordReset;
}

/** The reset page opens with its form: the link works (and opening it uses nothing up). */
async function expectWorks(server: TestServer, url: string) {
	const page = await new Client(server.url).fetch(`/reset-password?token=${tokenOf(url)}`);
	expect(page.status).toBe(200);
	expect(await page.text()).toContain('name="passwordAgain"');
}

/** Using the link is refused with `status`, and the user's password stays what it was. */
async function expectRefused(server: TestServer, url: string, name: string, status: number) {
	const response = await new Client(server.url).json('/api/auth/password-reset', 'POST', {
		token: tokenOf(url),
		password: 'taken-over-pass'
	});
	expect(response.status, await response.clone().text()).toBe(status);
	expect((await new Client(server.url).login(name, 'taken-over-pass')).status).not.toBe(200);
	const page = await new Client(server.url).fetch(`/reset-password?token=${tokenOf(url)}`);
	expect(page.status).toBe(status);
}

/** A link row as the operator's command or an older version might have left it. */
function insertLink(server: TestServer, userId: string, createdBy: string | null): string {
	const token = randomBytes(32).toString('base64url');
	server.write(
		`INSERT INTO password_reset (id, token_hash, user_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
		[
			randomBytes(10).toString('base64url'),
			createHash('sha256').update(token).digest('hex'),
			userId,
			createdBy,
			Date.now(),
			Date.now() + 3_600_000
		]
	);
	return `${server.url}/reset-password?token=${token}`;
}

describe('what ends a password reset link', () => {
	const server = serverForSuite();
	let admin: Client;
	let adminId: string;

	async function secondAdmin() {
		const other = await registered(server, 'Deputy');
		const promoted = await admin.json(`/api/users/${other.user.id}`, 'PATCH', { type: 'admin' });
		expect(promoted.status).toBe(200);
		expect((await other.client.login(other.name)).status).toBe(200);
		return other;
	}

	it('the user changing their own password ends it', async () => {
		const first = await registered(server, 'Chief');
		admin = first.client;
		await admin.setUp();
		adminId = first.user.id;
		const { client, user, name } = await registered(server, 'Changer');
		const { url } = await createLink(admin, user.id);
		await expectWorks(server, url);
		const changed = await client.json('/api/auth/account', 'PATCH', {
			password: 'my-own-new-pass',
			currentPassword: 'password123'
		});
		expect(changed.status).toBe(200);
		await expectRefused(server, url, name, 400);
		expect((await new Client(server.url).login(name, 'my-own-new-pass')).status).toBe(200);
	});

	it('a suspension ends it, and lifting the suspension does not bring it back', async () => {
		const { user, name } = await registered(server, 'Suspended');
		const { url } = await createLink(admin, user.id);
		await expectWorks(server, url);
		const patch = (suspended: boolean) =>
			admin.json(`/api/users/${user.id}`, 'PATCH', { suspended });
		expect((await patch(true)).status).toBe(200);
		await expectRefused(server, url, name, 400);
		expect((await patch(false)).status).toBe(200);
		await expectRefused(server, url, name, 400);
		expect((await new Client(server.url).login(name)).status).toBe(200);
	});

	it("a suspended user's link never works, and no admin can make one", async () => {
		const { user, name } = await registered(server, 'Barred');
		expect((await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: true })).status).toBe(
			200
		);
		const refused = await admin.json(`/api/users/${user.id}/password-reset`, 'POST', {});
		expect(refused.status).toBe(409);
		// A link that is there anyway (the operator's, say) is refused while the user is suspended.
		const url = insertLink(server, user.id, null);
		await expectRefused(server, url, name, 410);
		expect((await admin.json(`/api/users/${user.id}`, 'PATCH', { suspended: false })).status).toBe(
			200
		);
		await expectWorks(server, url);
	});

	it('its maker being demoted ends it; a link whose maker is no longer an admin is refused at use', async () => {
		const deputy = await secondAdmin();
		const { user, name } = await registered(server, 'Demoted-target');
		const { url } = await createLink(deputy.client, user.id);
		await expectWorks(server, url);
		const demoted = await admin.json(`/api/users/${deputy.user.id}`, 'PATCH', { type: 'crew' });
		expect(demoted.status).toBe(200);
		await expectRefused(server, url, name, 400);

		// The check at use, apart from the ending: a maker demoted behind the app's back.
		const other = await secondAdmin();
		const second = await createLink(other.client, user.id);
		await expectWorks(server, second.url);
		server.write(`UPDATE "user" SET type = 'crew' WHERE id = ?`, [other.user.id]);
		await expectRefused(server, second.url, name, 410);
		server.write(`UPDATE "user" SET type = 'admin' WHERE id = ?`, [other.user.id]);
		await expectWorks(server, second.url);
	});

	it('its maker being suspended ends it', async () => {
		const deputy = await secondAdmin();
		const { user, name } = await registered(server, 'Suspended-maker-target');
		const { url } = await createLink(deputy.client, user.id);
		await expectWorks(server, url);
		const suspended = await admin.json(`/api/users/${deputy.user.id}`, 'PATCH', {
			suspended: true
		});
		expect(suspended.status).toBe(200);
		await expectRefused(server, url, name, 400);
	});

	it("its maker being deleted ends it: it does not become an operator's link", async () => {
		const deputy = await secondAdmin();
		const { user, name } = await registered(server, 'Orphan-target');
		const { url } = await createLink(deputy.client, user.id);
		await expectWorks(server, url);
		expect((await admin.fetch(`/api/users/${deputy.user.id}`, { method: 'DELETE' })).status).toBe(
			204
		);
		await expectRefused(server, url, name, 400);
		expect(server.query('SELECT id FROM password_reset WHERE user_id = ?', user.id)).toEqual([]);
	});

	it("an admin lists a user's working links (never their secret) and revokes one", async () => {
		const { user, name } = await registered(server, 'Listed');
		const path = `/api/users/${user.id}/password-reset`;
		expect((await (await admin.fetch(path)).json()) as ApiPasswordResetLink[]).toEqual([]);
		const created = await createLink(admin, user.id);
		await expectWorks(server, created.url);
		const listed = await admin.fetch(path);
		expect(listed.status).toBe(200);
		const text = await listed.text();
		expect(text).not.toContain(tokenOf(created.url));
		expect(JSON.parse(text)).toEqual([
			{
				id: created.id,
				createdAt: created.createdAt,
				expiresAt: created.expiresAt,
				createdById: adminId,
				createdByName: expect.stringMatching(/^Chief/)
			}
		]);
		// Only admins see or revoke them.
		const regular = await registered(server, 'Nosy');
		expect((await regular.client.fetch(path)).status).toBe(403);
		expect((await new Client(server.url).fetch(path)).status).toBe(401);
		expect((await regular.client.fetch(`${path}/${created.id}`, { method: 'DELETE' })).status).toBe(
			403
		);
		await expectWorks(server, created.url);

		expect((await admin.fetch(`${path}/${created.id}`, { method: 'DELETE' })).status).toBe(204);
		await expectRefused(server, created.url, name, 400);
		expect(await (await admin.fetch(path)).json()).toEqual([]);
		expect((await admin.fetch(`${path}/${created.id}`, { method: 'DELETE' })).status).toBe(404);
		expect((await admin.fetch('/api/users/nobody/password-reset')).status).toBe(404);
	});

	it("the user's admin page lists a link and revokes it without JavaScript", async () => {
		const { user, name } = await registered(server, 'Paged');
		const created = await createLink(admin, user.id);
		const page = await admin.fetch(`/users/${user.id}`);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('data-testid="user-reset"');
		expect(html).toContain(`value="${created.id}"`);
		expect(html).not.toContain(tokenOf(created.url));

		const revoked = await admin.form(`/users/${user.id}?/revokeReset`, { resetId: created.id });
		expect(revoked.status).toBe(200);
		expect(await revoked.text()).toContain('The password reset link was revoked.');
		await expectRefused(server, created.url, name, 400);
		expect(await (await admin.fetch(`/users/${user.id}`)).text()).toContain(
			'data-testid="no-resets"'
		);
	});

	it('making, using and revoking a link are in the audit trail', async () => {
		const { user } = await registered(server, 'Traced');
		const made = await createLink(admin, user.id);
		expect(
			(await admin.fetch(`/api/users/${user.id}/password-reset/${made.id}`, { method: 'DELETE' }))
				.status
		).toBe(204);
		const used = await createLink(admin, user.id);
		const browser = new Client(server.url, 'Browser "of" the holder');
		const response = await browser.json('/api/auth/password-reset', 'POST', {
			token: tokenOf(used.url),
			password: 'reset-and-used'
		});
		expect(response.status).toBe(200);
		const rows = (await (await admin.fetch(`/api/audit?target=${user.id}`)).json()) as {
			action: string;
			actorId: string | null;
			detail: string;
			quoted: string | null;
		}[];
		expect(rows.map((row) => [row.action, row.actorId])).toEqual([
			['password-reset-use', null],
			['password-reset-create', adminId],
			['password-reset-revoke', adminId],
			['password-reset-create', adminId]
		]);
		expect(rows[0]).toMatchObject({ detail: used.id, quoted: 'Browser "of" the holder' });
		expect(rows[1].detail).toContain(used.id);
		expect(rows[2]).toMatchObject({ detail: made.id, quoted: null });
	});
});

describe('opening reset links is not guessing', () => {
	const server = serverForSuite({ RATE_LIMIT_PASSWORD_RESET_FAILURES_PER_ADDRESS: '3' });

	it('25 made-up links opened from one address do not block the real link from it', async () => {
		const admin = (await registered(server, 'Keeper')).client;
		const { user, name } = await registered(server, 'Visitor');
		const { url } = await createLink(admin, user.id);
		// What twenty-five <img> tags on any site make the visitor's browser do.
		const visitor = new Client(server.url);
		for (let i = 0; i < 25; i++) {
			const page = await visitor.fetch(`/reset-password?token=made-up-${i}-${Math.random()}`);
			expect(page.status).toBe(400);
		}
		await expectWorks(server, url);
		const done = await visitor.form(`/reset-password?/reset&token=${tokenOf(url)}`, {
			token: tokenOf(url),
			password: 'visitor-new-pass',
			passwordAgain: 'visitor-new-pass'
		});
		expect(done.status).toBe(303);
		expect((await new Client(server.url).login(name, 'visitor-new-pass')).status).toBe(200);
	});
});
