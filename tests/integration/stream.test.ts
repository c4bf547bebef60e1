import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSession, ApiUser } from '../../src/lib/api';
import { hashSessionToken } from '../../src/lib/server/auth/token';
import { Client } from '../helpers/client';
import { reportIfItDies, startServer, type TestServer } from '../helpers/server';
import {
	connectStream,
	lastEventId,
	openStream,
	processFdTargets,
	range,
	renameMany,
	upgradeStatus
} from '../helpers/stream';
import { until } from '../helpers/wait';

let server: TestServer;
let admin: Client;
let regular: Client;
beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url);
	regular = new Client(server.url);
	expect((await admin.register('Ada')).status).toBe(201); // the first user: admin
	expect((await regular.register('Grace')).status).toBe(201);
});
afterAll(() => server.close());
reportIfItDies(() => server);

const sessionToken = (client: Client) => client.cookies.get('tidewatch_session')!;

describe('opening the stream', () => {
	it('refuses a foreign or missing Origin with 403, even with a valid session cookie', async () => {
		const cookie = admin.cookieHeader;
		// Cross-site WebSocket hijacking: another site's page opening the stream with our cookie.
		for (const origin of [
			'https://evil.example',
			`http://127.0.0.1:${server.port + 1}`,
			'null',
			null
		]) {
			expect(await upgradeStatus(server, { origin, cookie }), `origin ${origin}`).toBe(403);
		}
		expect(await upgradeStatus(server, { cookie })).toBe(101);
	});

	it('refuses a missing, negative or non-integer lastEventId with 400', async () => {
		for (const lastEventId of [null, '', -1, 1.5, 'abc', '1e3']) {
			expect(await upgradeStatus(server, { lastEventId }), `lastEventId=${lastEventId}`).toBe(400);
		}
		expect(await upgradeStatus(server, { lastEventId: 0 })).toBe(101);
	});

	it('answers a cursor ahead of the log with connected, then resync, then close 4002', async () => {
		const head = await lastEventId(server);
		const stream = openStream(server, { lastEventId: head + 100, cookie: admin.cookieHeader });
		const closed = await stream.waitForClose();
		expect(closed.code).toBe(4002);
		expect(stream.messages).toEqual([
			expect.objectContaining({ type: 'connected', lastEventId: head }),
			{ type: 'resync' }
		]);
	});

	it('first says connected, with the session of a logged-in user and the current head', async () => {
		for (const [client, name, type] of [
			[admin, 'Ada', 'admin'],
			[regular, 'Grace', 'regular']
		] as const) {
			const head = await lastEventId(server);
			const stream = await connectStream(server, {
				lastEventId: head,
				cookie: client.cookieHeader
			});
			const [first] = stream.messages;
			expect(first).toEqual({
				type: 'connected',
				lastEventId: head,
				heartbeatMs: 30_000,
				session: {
					id: expect.any(String),
					account: expect.objectContaining({ id: expect.any(String), name, type }),
					createdAt: expect.any(Number),
					expiresAt: expect.any(Number),
					rotatesAt: expect.any(Number)
				}
			});
			const session = (first as { session: ApiSession }).session;
			// A public identifier: never the cookie's token nor its database key.
			expect(session.id).not.toBe(sessionToken(client));
			expect(session.id).not.toBe(hashSessionToken(sessionToken(client)));
			expect(JSON.stringify(first)).not.toContain(sessionToken(client));
			const state = await (await client.fetch('/api/auth/session')).json();
			expect(session.id).toBe(state.session.id);
			stream.close();
		}
	});

	it('first says connected with session null for a visitor, then live once caught up', async () => {
		const head = await lastEventId(server);
		const stream = await connectStream(server, { lastEventId: head });
		await stream.flush();
		expect(stream.messages).toEqual([
			{ type: 'connected', session: null, lastEventId: head, heartbeatMs: 30_000 },
			{ type: 'live', lastEventId: head }
		]);
		stream.close();
	});
});

describe('delivery', () => {
	it('events written while no client was connected arrive when it reconnects from its id', async () => {
		const first = await connectStream(server, { lastEventId: 0, cookie: regular.cookieHeader });
		const x = (first.messages[0] as { lastEventId: number }).lastEventId;
		first.close();
		await first.waitForClose();

		await renameMany(regular, 25, { parallel: 1, name: (i) => `offline-${i}` });
		const head = await lastEventId(server);
		expect(head).toBe(x + 25);

		const second = await connectStream(server, { lastEventId: x, cookie: regular.cookieHeader });
		await second.waitForEvent(head);
		await second.flush();
		expect(second.eventIds).toEqual(range(x + 1, head));
		expect(second.events.map((m) => (m.event.data as ApiUser).name)).toEqual(
			range(0, 24).map((i) => `offline-${i}`)
		);
		second.close();
	});

	it('projects each event for its viewer: nothing for a visitor, lastSeenAt only for an admin', async () => {
		const x = await lastEventId(server);
		const [visitorLive, regularLive, adminLive] = await Promise.all([
			connectStream(server, { lastEventId: x }),
			connectStream(server, { lastEventId: x, cookie: regular.cookieHeader }),
			connectStream(server, { lastEventId: x, cookie: admin.cookieHeader })
		]);

		const newcomer = new Client(server.url);
		expect((await newcomer.register('Newcomer')).status).toBe(201);
		await renameMany(regular, 1, { name: () => 'Grace' });
		const head = await lastEventId(server);
		// Registering may also log events personal to the newcomer: not for these viewers.
		const userEvents = server
			.query<{ id: number; type: string }>('SELECT id, type FROM event WHERE id > ? ORDER BY id', x)
			.filter((e) => e.type.startsWith('user-'))
			.map((e) => e.id);
		expect(userEvents).toHaveLength(2);
		expect(userEvents.at(-1)).toBe(head);

		await Promise.all([regularLive.waitForEvent(head), adminLive.waitForEvent(head)]);
		// A visitor that connects afterwards replays the same events.
		const visitorReplay = await connectStream(server, { lastEventId: x });
		await Promise.all([visitorLive.flush(), visitorReplay.flush()]);

		for (const visitor of [visitorLive, visitorReplay]) {
			expect(visitor.messages).toEqual([
				{
					type: 'connected',
					session: null,
					lastEventId: expect.any(Number),
					heartbeatMs: 30_000
				},
				{ type: 'live', lastEventId: visitor === visitorReplay ? head : expect.any(Number) }
			]);
			expect(visitor.isOpen).toBe(true);
		}

		await Promise.all([regularLive.flush(), adminLive.flush()]);
		expect(adminLive.eventIds).toEqual(userEvents);
		expect(regularLive.eventIds).toEqual(userEvents);
		const adminUsers = adminLive.events.map((m) => m.event.data as ApiUser);
		const regularUsers = regularLive.events.map((m) => m.event.data as ApiUser);
		expect(adminUsers.map((u) => u.name)).toEqual(['Newcomer', 'Grace']);
		for (const [i, user] of adminUsers.entries()) {
			expect(Object.keys(user).sort()).toEqual([
				'createdAt',
				'id',
				'lastSeenAt',
				'name',
				'suspended',
				'type'
			]);
			expect(user.lastSeenAt).toEqual(expect.any(Number));
			const seenByRegular: Partial<typeof user> = { ...user };
			delete seenByRegular.lastSeenAt;
			delete seenByRegular.suspended;
			expect(regularUsers[i]).toEqual(seenByRegular);
			expect(regularLive.events[i].event.type).toBe('user-update');
		}
		for (const stream of [visitorLive, visitorReplay, regularLive, adminLive]) stream.close();
	});

	it('a change over HTTP reaches a stream of the same process, which holds one database connection (on PostgreSQL, its pool and one listener)', async () => {
		const head = await lastEventId(server);
		const stream = await connectStream(server, { lastEventId: head, cookie: admin.cookieHeader });
		await renameMany(admin, 1, { name: () => 'Ada' });
		await stream.waitForEvent(head + 1);
		expect(stream.events[0].event).toMatchObject({ type: 'user-update', data: { name: 'Ada' } });
		stream.close();

		if (server.databaseUrl) {
			const [{ n }] = server.query<{ n: number }>(
				`SELECT COUNT(*) AS n FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`
			);
			// DATABASE_POOL_SIZE's default, and the connection that listens.
			expect(n).toBeGreaterThanOrEqual(1);
			expect(n).toBeLessThanOrEqual(10 + 1);
		} else {
			const dbPath = realpathSync(server.dbPath);
			const targets = processFdTargets(server.process.pid!);
			expect(targets.filter((target) => target === dbPath)).toHaveLength(1);
		}
	});
});

describe('frames from the client', () => {
	it('pings are fine, a text frame closes the stream with 1008', async () => {
		const stream = await connectStream(server, { lastEventId: await lastEventId(server) });
		await stream.flush();
		expect(stream.isOpen).toBe(true);
		stream.ws.send('hello');
		expect((await stream.waitForClose()).code).toBe(1008);
	});

	it('a binary frame closes the stream with 1008, small or over 1 KiB', async () => {
		for (const size of [8, 2048]) {
			const stream = await connectStream(server, { lastEventId: await lastEventId(server) });
			stream.ws.send(Buffer.alloc(size));
			expect((await stream.waitForClose()).code, `${size} bytes`).toBe(1008);
		}
	});
});

describe('heartbeat', () => {
	it('pings every period, and terminates a socket that misses two pongs', async () => {
		const beating = await startServer({ STREAM_HEARTBEAT_SECONDS: '0.3' });
		try {
			const answering = await connectStream(beating);
			const silent = await connectStream(beating, { autoPong: false });
			// A few heartbeat periods; the bound only keeps a broken server from hanging the test.
			await silent.waitFor(() => silent.closeInfo !== null, 'the silent socket to be cut', 5_000);
			expect(silent.pings).toBeGreaterThanOrEqual(2);
			expect(silent.closeInfo!.code).toBe(1006); // terminated: no close frame

			const seen = answering.pings;
			await answering.waitFor(() => answering.pings >= seen + 3, 'three more pings', 5_000);
			await answering.flush();
			expect(answering.isOpen).toBe(true);
			answering.close();
		} finally {
			await beating.close();
		}
	});

	it('sends a heartbeat message every period, whose interval `connected` names, for clients that cannot see pings', async () => {
		const beating = await startServer({ STREAM_HEARTBEAT_SECONDS: '0.3' });
		try {
			const stream = await connectStream(beating);
			expect(stream.messages[0]).toMatchObject({ type: 'connected', heartbeatMs: 300 });
			const beats = () => stream.messages.filter((m) => m.type === 'heartbeat').length;
			const started = Date.now();
			await stream.waitFor(() => beats() >= 3, 'three heartbeat messages', 5_000);
			// Three periods of 300 ms, give or take the timer's phase.
			expect(Date.now() - started).toBeGreaterThanOrEqual(500);
			const others = stream.messages.filter((m) => m.type !== 'heartbeat');
			expect(others.map((m) => m.type)).toEqual(['connected', 'live']);
			stream.close();
		} finally {
			await beating.close();
		}
	});
});

describe('retention', () => {
	it('a cursor older than the oldest kept event gets resync; a current one stays open', async () => {
		const pruning = await startServer({
			EVENT_RETENTION_SECONDS: '1',
			EVENT_PRUNE_INTERVAL_SECONDS: '0.5'
		});
		try {
			const ada = new Client(pruning.url);
			await ada.register('Ada');
			await renameMany(ada, 3);
			const head = await lastEventId(pruning);
			expect(head).toBeGreaterThanOrEqual(4);
			const count = () => pruning.query<{ n: number }>('SELECT COUNT(*) AS n FROM event')[0].n;
			await until(() => count() === 0, 'the events to be pruned');
			// The head survives pruning.
			expect(await lastEventId(pruning)).toBe(head);

			const fromStart = openStream(pruning, { lastEventId: 0, cookie: ada.cookieHeader });
			expect((await fromStart.waitForClose()).code).toBe(4002);
			expect(fromStart.messages).toEqual([
				expect.objectContaining({ type: 'connected', lastEventId: head }),
				{ type: 'resync' }
			]);

			const current = await connectStream(pruning, { lastEventId: head, cookie: ada.cookieHeader });
			await current.flush();
			expect(current.isOpen).toBe(true);

			// The next event is kept, all before it are gone: a cursor at the head replays it, a
			// cursor one older cannot be caught up.
			await renameMany(ada, 1, { name: () => 'Ada Lovelace' });
			const next = head + 1;
			expect(await lastEventId(pruning)).toBe(next);
			const [justBefore, tooOld] = [
				openStream(pruning, { lastEventId: head, cookie: ada.cookieHeader }),
				openStream(pruning, { lastEventId: head - 1, cookie: ada.cookieHeader })
			];
			await Promise.all([current.waitForEvent(next), justBefore.waitForEvent(next)]);
			expect(current.eventIds).toEqual([next]);
			expect(justBefore.eventIds).toEqual([next]);
			expect((await tooOld.waitForClose()).code).toBe(4002);
			expect(tooOld.messages.map((m) => m.type)).toEqual(['connected', 'resync']);
			await Promise.all([current.flush(), justBefore.flush()]);
			expect(current.isOpen && justBefore.isOpen).toBe(true);
			current.close();
			justBefore.close();
		} finally {
			await pruning.close();
		}
	});
});

describe('shutdown', () => {
	it('SIGTERM closes every stream with 1001 and the process exits 0', async () => {
		const stopping = await startServer();
		try {
			const ada = new Client(stopping.url);
			await ada.register('Ada');
			const streams = await Promise.all([
				connectStream(stopping, { lastEventId: 0 }),
				connectStream(stopping, { lastEventId: 0, cookie: ada.cookieHeader }),
				connectStream(stopping, { lastEventId: 1, cookie: ada.cookieHeader })
			]);
			// One that reads nothing, so never answers the close, must not keep the process up.
			const deaf = await connectStream(stopping, { lastEventId: 0, cookie: ada.cookieHeader });
			deaf.ws.pause();
			const [exitCode, ...closes] = await Promise.all([
				stopping.stop('SIGTERM'),
				...streams.map((stream) => stream.waitForClose())
			]);
			expect(exitCode).toBe(0);
			expect(closes.map((c) => c.code)).toEqual([1001, 1001, 1001]);
			deaf.ws.resume();
			expect((await deaf.waitForClose()).code).toBe(1001);
		} finally {
			await stopping.close();
		}
	});
});
