import { statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { lastEventId } from '../helpers/stream';

/*
 * One ordinary account writing as fast as it can — marks by the API and by the form, renames,
 * calendar feeds, ending its other logins, all at once — must neither grow the database nor
 * flood the streams of crew (docs/security.md, "Write budget"). WRITE_FLOOD_SECONDS shortens
 * the run by hand; the figure to hold is the 60 s.
 */

const seconds = Number(process.env.WRITE_FLOOD_SECONDS ?? 60);
const limit = 1024 * 1024;

let server: TestServer;
let attacker: Client;
let crew: Client;
let entryId: string;

beforeAll(async () => {
	// The default budget: the helper raises it for every other test.
	server = await startServer({
		RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: process.env.WRITE_BUDGET ?? '',
		RATE_LIMIT_WRITES_PER_USER_PER_HOUR: process.env.WRITE_BUDGET ?? ''
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
	(seconds + 8) * 1000
);
