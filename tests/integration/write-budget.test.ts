import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { lastEventId } from '../helpers/stream';

/*
 * One ordinary account writing as fast as it can — marks by the API and by the form, renames,
 * calendar feeds, ending its other logins, all at once — must neither grow the database nor
 * flood the streams of crew (docs/security.md, "Write budget"). The figure to hold is a minute
 * of it; the run lasts a tenth of that, with the budget's minute and hour a tenth as long, so
 * the same writes get through. By hand, WRITE_FLOOD_SECONDS sets the run (and the budget's
 * minute with it) and WRITE_BUDGET sets both budgets, to see what a write costs without them.
 */

const seconds = Number(process.env.WRITE_FLOOD_SECONDS ?? 6);
const limit = 1024 * 1024;

let server: TestServer;
let attacker: Client;
let crew: Client;
let entryId: string;

beforeAll(async () => {
	// The default budget: the helper raises it for every other test.
	server = await startServer({
		RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: process.env.WRITE_BUDGET ?? '',
		RATE_LIMIT_WRITES_PER_USER_PER_HOUR: process.env.WRITE_BUDGET ?? '',
		RATE_LIMIT_WRITES_MINUTE_SECONDS: String(seconds),
		RATE_LIMIT_WRITES_HOUR_SECONDS: String(seconds * 60)
	});
	const admin = new Client(server.url);
	await admin.register('Organiser');
	crew = new Client(server.url);
	const crewId = (await (await crew.register('Stagehand')).json()).id;
	expect((await admin.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' })).status).toBe(200);
	await crew.login('Stagehand');
	attacker = new Client(server.url);
	await attacker.register('Visitor');
	const start = Date.UTC(2031, 6, 3, 10);
	const entry = await admin.json('/api/entries', 'POST', {
		title: 'A long talk',
		description: 'd'.repeat(10_000),
		crewNotes: 'n'.repeat(10_000),
		start,
		end: start + 3_600_000,
		visibility: 'public'
	});
	expect(entry.status).toBe(201);
	entryId = (await entry.json()).id;
});
afterAll(() => server?.close());

const fileSize = (path: string) => {
	try {
		return statSync(path).size;
	} catch {
		return 0;
	}
};
const databaseBytes = () => fileSize(server.dbPath) + fileSize(`${server.dbPath}-wal`);

it(
	`one account writing as fast as it can for ${seconds} s grows the database and a crew stream by under 1 MB`,
	async () => {
		const head = await lastEventId(server);
		let received = 0;
		const stream = new WebSocket(
			`${server.url.replace(/^http/, 'ws')}/api/events?lastEventId=${head}`,
			{
				headers: { origin: server.url, cookie: crew.cookieHeader }
			}
		);
		stream.on('message', (data: Buffer) => (received += data.length));
		await new Promise((resolve, reject) => {
			stream.once('open', resolve);
			stream.once('error', reject);
		});
		const before = databaseBytes();
		const statuses = new Map<number, number>();
		const until = Date.now() + seconds * 1000;
		const loop = async (write: (i: number) => Promise<Response>) => {
			for (let i = 0; Date.now() < until; i++) {
				const response = await write(i);
				await response.arrayBuffer();
				statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
			}
		};
		const mark = (i: number) =>
			attacker.json(`/api/auth/account/interests/${entryId}`, i % 2 ? 'DELETE' : 'PUT');
		await Promise.all([
			loop(mark),
			loop(mark),
			loop((i) => attacker.form('/?/interest', { entryId, interested: i % 2 ? 'no' : 'yes' })),
			loop((i) => attacker.json('/api/auth/account', 'PATCH', { name: `Visitor ${i}` })),
			loop((i) => attacker.form('/account?/rename', { name: `Visitor form ${i}` })),
			loop((i) => attacker.json('/api/auth/account/calendar', i % 2 ? 'DELETE' : 'POST')),
			loop(() => attacker.json('/api/auth/sessions', 'DELETE', { currentPassword: 'password123' }))
		]);
		// Everything the writes announced has reached the stream once a later event has.
		const probe = await lastEventId(server);
		const caughtUp = new Promise<void>((resolve) => {
			const check = (data: Buffer) => {
				const message = JSON.parse(data.toString());
				if (message.type === 'event' && message.id > probe) {
					stream.off('message', check);
					resolve();
				}
			};
			stream.on('message', check);
		});
		await crew.json('/api/auth/account', 'PATCH', { name: 'Stagehand' });
		await caughtUp;
		stream.terminate();
		const grown = databaseBytes() - before;
		console.log(
			`${seconds} s of writes: ${JSON.stringify(Object.fromEntries(statuses))}; database ` +
				`+${grown} bytes; crew stream ${received} bytes`
		);
		const events = server.query<{ type: string; n: number; bytes: number }>(
			'SELECT type, COUNT(*) AS n, AVG(LENGTH(type) + LENGTH(data) + 16) AS bytes FROM event WHERE id > ? GROUP BY type',
			head
		);
		console.log(`events written: ${JSON.stringify(events)}`);
		expect(grown).toBeLessThan(limit);
		expect(received).toBeLessThan(limit);
		expect(statuses.get(429)).toBeGreaterThan(0);
	},
	// The writes in flight at the end, on a loaded machine, may take some seconds more.
	(seconds + 20) * 1000
);

describe('beyond the budget', () => {
	let small: TestServer;
	let admin: Client;
	let entry: string;
	beforeAll(async () => {
		small = await startServer({
			RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '2',
			RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100'
		});
		admin = new Client(small.url);
		await admin.register('Organiser');
		const start = Date.UTC(2031, 6, 3, 10);
		const response = await admin.json('/api/entries', 'POST', {
			title: 'A talk',
			start,
			end: start + 3_600_000,
			visibility: 'public'
		});
		entry = (await response.json()).id;
	});
	afterAll(() => small?.close());

	const visitor = async (name: string) => {
		const client = new Client(small.url);
		expect((await client.register(name)).status).toBe(201);
		return client;
	};
	const head = async () => lastEventId(small);
	const marked = async (client: Client) =>
		((await (await client.fetch('/api/auth/account/interests')).json()) as { entryIds: string[] })
			.entryIds;
	const refused = async (response: Response) => {
		expect(response.status).toBe(429);
		const wait = Number(response.headers.get('retry-after'));
		expect(wait).toBeGreaterThanOrEqual(1);
		expect(wait).toBeLessThanOrEqual(60);
	};

	// A query the route does not read changes nothing.
	for (const [path, suffix] of [
		['plain URL', ''],
		['with a query', '?via=kit']
	] as const) {
		it(`a mark beyond the budget is 429 with Retry-After and { message }, and changes nothing (${path})`, async () => {
			const client = await visitor(`Marker ${suffix || 'direct'}`);
			const url = `/api/auth/account/interests/${entry}${suffix}`;
			expect((await client.fetch(url, { method: 'PUT' })).status).toBe(200);
			expect((await client.fetch(url, { method: 'DELETE' })).status).toBe(200);
			const before = await head();
			const response = await client.fetch(url, { method: 'PUT' });
			await refused(response);
			expect(await response.json()).toEqual({
				message: expect.stringMatching(/^too many changes: try again in \d+ seconds$/)
			});
			expect(await head()).toBe(before);
			expect(await marked(client)).toEqual([]);
		});
	}

	it('a form beyond the budget fails with the message, without JavaScript, and changes nothing', async () => {
		const client = await visitor('Form marker');
		const mark = (interested: string) => client.form('/?/interest', { entryId: entry, interested });
		expect((await mark('yes')).status).toBe(303);
		expect((await mark('no')).status).toBe(303);
		const before = await head();
		const response = await mark('yes');
		await refused(response);
		expect(await response.text()).toMatch(
			/data-testid="interest-error"[^>]*>too many changes: try again in \d+ seconds</
		);
		expect(await head()).toBe(before);
		expect(await marked(client)).toEqual([]);
		// Renames, feeds and the account's other logins share the one budget.
		await refused(await client.form('/account?/rename', { name: 'Renamed' }));
		await refused(await client.json('/api/auth/account', 'PATCH', { name: 'Renamed' }));
		await refused(await client.json('/api/auth/account/calendar', 'POST'));
		await refused(
			await client.json('/api/auth/sessions', 'DELETE', { currentPassword: 'password123' })
		);
		expect(await head()).toBe(before);
		// Logging out is never refused.
		expect((await client.fetch('/api/auth/session', { method: 'DELETE' })).status).toBe(204);
	});

	it('crew taking and leaving a shift place spend it too, by the API and by the form', async () => {
		const member = await visitor('Crew member');
		const { id } = await (await member.fetch('/api/auth/account')).json();
		expect((await admin.json(`/api/users/${id}`, 'PATCH', { type: 'crew' })).status).toBe(200);
		await member.login('Crew member');
		const start = Date.UTC(2031, 6, 4, 10);
		const shift = await admin.json('/api/shifts', 'POST', {
			role: 'Bar',
			start,
			end: start + 3_600_000,
			needed: 2
		});
		const shiftId = (await shift.json()).id;
		const url = `/api/shifts/${shiftId}/signup`;
		expect((await member.fetch(url, { method: 'POST' })).status).toBe(200);
		expect((await member.fetch(url, { method: 'DELETE' })).status).toBe(200);
		const before = await head();
		await refused(await member.fetch(url, { method: 'POST' }));
		const form = await member.form('/shifts?/signup', { id: shiftId });
		await refused(form);
		expect(await form.text()).toContain('too many changes');
		expect(await head()).toBe(before);
		const held = await (await admin.fetch(`/api/shifts/${shiftId}`)).json();
		expect(held.crewIds).toEqual([]);
	});

	it("one user's budget is theirs alone, and admins have none", async () => {
		const spender = await visitor('Spender');
		for (const name of ['One', 'Two']) {
			expect((await spender.json('/api/auth/account', 'PATCH', { name })).status).toBe(200);
		}
		await refused(await spender.json('/api/auth/account', 'PATCH', { name: 'Three' }));
		const neighbour = await visitor('Neighbour');
		expect(
			(await neighbour.json('/api/auth/account', 'PATCH', { name: 'Neighbour 2' })).status
		).toBe(200);
		for (let i = 0; i < 5; i++) {
			const method = i % 2 ? 'DELETE' : 'PUT';
			expect((await admin.fetch(`/api/auth/account/interests/${entry}`, { method })).status).toBe(
				200
			);
		}
	});
});
