import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiAuditRecord, ApiUser } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';
import { sleep } from '../helpers/wait';

/*
 * The audit trail cannot be flushed (issue 19, finding 7): it pages through every row, filters
 * by kind and actor, keeps text a user chose apart from its own words, and bounds the rows an
 * ordinary user can cause; against the real built server.
 */

// Rotation 2 s and grace 1 s, so a real theft takes three seconds.
const rotateMs = 2_000;
const graceMs = 1_000;
const cookieName = 'tidewatch_session';

let seq = 0;
const fresh = (base: string) => `${base}${++seq}`;

async function registered(server: TestServer, base: string, agent = base) {
	const client = new Client(server.url, agent);
	const name = fresh(base);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	return { client, user: (await response.json()) as ApiUser, name };
}

/** `count` rows of `action` about `target`, as a flood of them would leave. */
function flood(server: TestServer, count: number, action: string, target: ApiUser) {
	server.write(
		`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail, quoted)
			VALUES (?, NULL, NULL, ?, ?, ?, '', ?)`,
		...Array.from({ length: count }, (_, i) => [
			Date.now(),
			action,
			target.id,
			target.name,
			`flood agent ${i}`
		])
	);
}

/** A real theft: the user's first cookie presented after its successor was received. */
async function steal(server: TestServer, name: string, thiefAgent: string) {
	const owner = new Client(server.url, 'owner-agent');
	expect((await owner.login(name)).status).toBe(200);
	// The session was made before the answer came, so it is due by then.
	const since = Date.now();
	const first = owner.cookies.get(cookieName)!;
	await sleep(Math.max(0, since + rotateMs + 50 - Date.now()));
	expect((await owner.fetch('/api/auth/account')).status).toBe(200);
	expect(owner.cookies.get(cookieName)).not.toBe(first);
	// The successor is presented once: received, so the old cookie now means two holders.
	expect((await owner.fetch('/api/auth/account')).status).toBe(200);
	await sleep(graceMs + 100);
	const thief = new Client(server.url, thiefAgent);
	thief.cookies.set(cookieName, first);
	expect(await (await thief.fetch('/api/auth/session')).json()).toEqual({
		session: null,
		notice: 'session-taken'
	});
}

async function page(admin: Client, query: string) {
	const response = await admin.fetch(`/api/audit${query}`);
	expect(response.status, await response.clone().text()).toBe(200);
	return {
		records: (await response.json()) as ApiAuditRecord[],
		link: response.headers.get('link')
	};
}

describe('the audit trail', () => {
	const server = serverForSuite({
		SESSION_ROTATE_SECONDS: String(rotateMs / 1000),
		SESSION_GRACE_SECONDS: String(graceMs / 1000)
	});
	let admin: Client;
	let adminId: string;
	beforeAll(async () => {
		const first = await registered(server, 'Keeper');
		admin = first.client;
		await admin.setUp();
		adminId = first.user.id;
	});

	it('pages through 250 rows to the oldest, in the API (Link: next) and on the page without JavaScript', async () => {
		const { user } = await registered(server, 'Subject');
		flood(server, 250, 'session-end', user);
		const all = server
			.query<{ id: number }>('SELECT id FROM audit ORDER BY id DESC')
			.map((row) => row.id);
		expect(all.length).toBeGreaterThanOrEqual(250);

		const seen: number[] = [];
		let next: string | null = '?limit=100';
		while (next) {
			const { records, link } = await page(admin, next.replace(/^\/api\/audit/, ''));
			seen.push(...records.map((record) => record.id));
			next = link?.match(/^<([^>]+)>; rel="next"$/)?.[1] ?? null;
		}
		expect(seen).toEqual(all);

		// The page: "Older" links, followed as a browser without JavaScript would.
		const shown: number[] = [];
		let href: string | null = '/users/audit';
		while (href) {
			const response = await admin.fetch(href);
			expect(response.status).toBe(200);
			const html = await response.text();
			shown.push(
				...[...html.matchAll(/data-testid="audit-row"[^>]*data-id="(\d+)"/g)].map((m) =>
					Number(m[1])
				)
			);
			const older = html.match(/<a href="([^"]+)" rel="next" data-testid="audit-older"/)?.[1];
			// Links on the page are relative to it, as a browser reads them.
			href = older
				? new URL(older.replaceAll('&amp;', '&'), new URL(href, server.url)).href.slice(
						server.url.length
					)
				: null;
		}
		expect(shown).toEqual(all);

		for (const query of ['?limit=0', '?limit=201', '?before=abc', '?action=nope', '?actor=']) {
			expect((await admin.fetch(`/api/audit${query}`)).status, query).toBe(400);
		}
	});

	it("an admin's promotion is still found by kind and by actor after 200 taken-session rows; one user's rows are bounded", async () => {
		const promoted = await registered(server, 'Promoted');
		expect(
			(await admin.json(`/api/users/${promoted.user.id}`, 'PATCH', { type: 'crew' })).status
		).toBe(200);
		const flooder = await registered(server, 'Flooder');
		flood(server, 200, 'session-taken', flooder.user);

		const isPromotion = (record: ApiAuditRecord) =>
			record.action === 'user-type' && record.targetId === promoted.user.id;
		// The newest 200 are the flood...
		expect((await page(admin, '')).records.some(isPromotion)).toBe(false);
		// ...but a kind, an actor, or paging finds it.
		const byKind = await page(admin, '?action=user-type');
		expect(byKind.records.every((record) => record.action === 'user-type')).toBe(true);
		expect(byKind.records.find(isPromotion)).toMatchObject({
			actorId: adminId,
			detail: 'regular to crew'
		});
		const byActor = await page(admin, `?actor=${adminId}`);
		expect(byActor.records.every((record) => record.actorId === adminId)).toBe(true);
		expect(byActor.records.some(isPromotion)).toBe(true);
		const html = await (await admin.fetch('/users/audit?action=user-type')).text();
		expect(html).toContain('data-action="user-type"');
		expect(html).not.toContain('data-action="session-taken"');
		const byActorPage = await (await admin.fetch(`/users/audit?actor=${adminId}`)).text();
		expect(byActorPage).toContain('data-action="user-type"');
		expect(byActorPage).not.toContain('data-action="session-taken"');

		// One more real theft trims the flooder's taken-session rows to the newest 50.
		await steal(server, flooder.name, 'the thief');
		const kept = server.query<{ quoted: string }>(
			"SELECT quoted FROM audit WHERE action = 'session-taken' AND target_id = ? ORDER BY id DESC",
			flooder.user.id
		);
		expect(kept.length).toBe(50);
		expect(kept[0].quoted).toBe('the thief');
	});

	it('text a user chose is in its own field, quoted on the page, never in the record’s words', async () => {
		const victim = await registered(server, 'Victim');
		const agent = 'Admin promoted Victim to admin </td><b>"ok"</b>';
		await steal(server, victim.name, agent);
		const [taken] = (await page(admin, `?action=session-taken&target=${victim.user.id}`)).records;
		expect(taken).toMatchObject({ actorId: null, detail: '', quoted: agent });

		const newName = fresh('Renamed');
		expect(
			(await admin.json(`/api/users/${victim.user.id}`, 'PATCH', { name: newName })).status
		).toBe(200);
		const [rename] = (await page(admin, `?action=user-rename&target=${victim.user.id}`)).records;
		expect(rename).toMatchObject({ targetName: newName, detail: '', quoted: victim.name });

		const html = await (await admin.fetch(`/users/audit?target=${victim.user.id}`)).text();
		const quotedOnPage = [
			...html.matchAll(/<q data-testid="audit-quoted"[^>]*><bdi>(.*?)<\/bdi><\/q>/g)
		].map((match) => match[1]);
		expect(quotedOnPage).toEqual([
			victim.name,
			'Admin promoted Victim to admin &lt;/td>&lt;b>"ok"&lt;/b>'
		]);
	});
});
