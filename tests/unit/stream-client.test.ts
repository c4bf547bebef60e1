import { once } from 'node:events';
import { get } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ApiUser } from '$lib/api';
import { createUsersStore } from '$lib/client/stores/users';
import { StreamClient, type StreamHandlers, type StreamStatus } from '$lib/client/stream';
import { until } from '../helpers/wait';

const user = (name: string): ApiUser => ({ id: 'u', name, type: 'regular', createdAt: 1 });
const event = (id: number, name: string) =>
	JSON.stringify({ type: 'event', id, event: { type: 'user-update', data: user(name) } });

const cleanup: (() => void)[] = [];
afterEach(() => {
	for (const step of cleanup.splice(0)) step();
});

describe('the stream client', () => {
	it('applies each event once, drops stale and repeated ids, and reconnects from the last id it applied', async () => {
		// A real ws server stands in for the app's end, sending what a buggy or racing one might.
		const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
		await once(server, 'listening');
		const { port } = server.address() as { port: number };
		const urls: string[] = [];
		server.on('connection', (socket, request) => {
			urls.push(request.url!);
			if (urls.length > 1)
				return socket.send(JSON.stringify({ type: 'connected', session: null, lastEventId: 7 }));
			socket.send(JSON.stringify({ type: 'connected', session: null, lastEventId: 7 }));
			for (const frame of [
				event(6, 'six'),
				event(6, 'six again'),
				event(4, 'stale'),
				event(7, 'seven')
			]) {
				socket.send(frame);
			}
			socket.close(1001, 'server shutting down');
		});
		// The browser globals the client uses, backed by the real `ws` client.
		const globals = globalThis as unknown as Record<string, unknown>;
		globals.WebSocket = WebSocket;
		globals.location = { protocol: 'http:', host: `127.0.0.1:${port}` };
		cleanup.push(() => {
			delete globals.WebSocket;
			delete globals.location;
			server.close();
		});

		const users = createUsersStore();
		users.fill([user('five')], 5);
		const applied: number[] = [];
		const client = new StreamClient({
			cursor: () => users.lastEventId() ?? 0,
			onConnected: () => {},
			onEvent: (id, e) => {
				applied.push(id);
				users.apply(id, e);
			},
			onSessionEnded: async () => {},
			onResync: async () => {},
			onStatus: () => {}
		});
		cleanup.push(() => client.stop());
		client.start();

		const deadline = Date.now() + 5_000;
		while (urls.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		expect(urls).toEqual(['/api/events?lastEventId=5', '/api/events?lastEventId=7']);
		expect(applied).toEqual([6, 7]);
		expect(get(users)?.value).toEqual([user('seven')]);
	});

	it('takes a connection silent for two and a half heartbeat intervals for dead, says so, and reconnects from its cursor', async () => {
		// The first connection says hello and then nothing, its socket open (no FIN): a dead line.
		const { server, urls } = await fakeServer((socket, count) => {
			socket.send(connected(10, 100));
			if (count > 1) beat(socket, 100);
		});
		const statuses: StreamStatus[] = [];
		const client = clientOf(server, { cursor: () => 10, onStatus: (s) => statuses.push(s) });
		client.start();
		const started = Date.now();
		await until(() => urls.length === 2, 'a second connection');
		const silentFor = Date.now() - started;
		expect(silentFor).toBeGreaterThanOrEqual(240);
		expect(silentFor).toBeLessThan(2_000);
		expect(urls).toEqual(['/api/events?lastEventId=10', '/api/events?lastEventId=10']);
		expect(statuses.slice(0, 3)).toEqual(['connecting', 'live', 'reconnecting']);
		await until(() => statuses.at(-1) === 'live', 'live again');
		// The old socket was closed by the client: one stream is left.
		await until(() => server.clients.size === 1, 'the silent socket closed');
	});

	it('keeps a connection whose heartbeats arrive', async () => {
		const { server, urls } = await fakeServer((socket) => {
			socket.send(connected(10, 100));
			beat(socket, 100);
		});
		const statuses: StreamStatus[] = [];
		const client = clientOf(server, { cursor: () => 10, onStatus: (s) => statuses.push(s) });
		client.start();
		await new Promise((r) => setTimeout(r, 1_000));
		expect(urls).toHaveLength(1);
		expect(statuses).toEqual(['connecting', 'live']);
	});

	it('offline shows at once and stops trying; online reconnects at once from the cursor', async () => {
		const { server, urls } = await fakeServer((socket) => socket.send(connected(10, 30_000)));
		const statuses: StreamStatus[] = [];
		let cursor = 10;
		const client = clientOf(server, { cursor: () => cursor, onStatus: (s) => statuses.push(s) });
		client.start();
		await until(() => statuses.at(-1) === 'live', 'live');
		client.setOnline(false);
		expect(statuses.at(-1)).toBe('offline');
		await until(() => server.clients.size === 0, 'the socket closed');
		await new Promise((r) => setTimeout(r, 700));
		expect(urls).toHaveLength(1);
		cursor = 12;
		client.setOnline(true);
		await until(() => statuses.at(-1) === 'live', 'live again');
		expect(urls).toEqual(['/api/events?lastEventId=10', '/api/events?lastEventId=12']);
	});

	it('applies the events the device kept before the socket opens, and resumes after them; with no network, with no socket', async () => {
		const { server, urls } = await fakeServer((socket) => {
			socket.send(connected(20, 30_000));
			socket.send(event(21, 'twenty-one'));
			socket.send(JSON.stringify({ type: 'live', lastEventId: 21 }));
		});
		const users = createUsersStore();
		users.fill([user('five')], 5);
		const kept = [6, 9].map((id) => ({
			id,
			event: { type: 'user-update' as const, data: user(`kept ${id}`) }
		}));
		const applied: number[] = [];
		const heard: string[] = [];
		const client = clientOf(server, {
			cursor: () => users.lastEventId() ?? 0,
			keptSince: async (cursor) => kept.filter((one) => one.id > cursor),
			onEvent: (id, e) => {
				applied.push(id);
				users.apply(id, e);
			},
			onOpened: (cursor) => heard.push(`opened ${cursor}`),
			onHeard: (id) => heard.push(`heard ${id}`),
			onLive: (head) => heard.push(`live ${head}`)
		});
		client.setOnline(false);
		client.start();
		await until(() => applied.length === 2, 'the kept events applied');
		expect(get(users)?.value).toEqual([user('kept 9')]);
		expect(urls).toEqual([]);

		client.setOnline(true);
		await until(() => heard.includes('live 21'), 'live');
		expect(urls).toEqual(['/api/events?lastEventId=9']);
		expect(applied).toEqual([6, 9, 21]);
		// Only what the socket handed on is kept again, after the cursor it opened at.
		expect(heard).toEqual(['opened 9', 'heard 21', 'live 21']);
	});

	it('one tab, one stream: a resync whose reloaded data restarts the stream leaves exactly one socket', async () => {
		// The first connection's cursor is above the head (a restored backup): resync and 4002.
		const { server, urls } = await fakeServer((socket, count) => {
			socket.send(connected(3, 30_000));
			if (count === 1) {
				socket.send(JSON.stringify({ type: 'resync' }));
				socket.close(4002, 'resync');
			}
		});
		let cursor = 10;
		const client: StreamClient = clientOf(server, {
			cursor: () => cursor,
			// What the page does: reloaded data older than what the stream delivered restarts it.
			onResync: async () => {
				await new Promise((r) => setTimeout(r, 20));
				cursor = 3;
				client.refilled(3);
				await new Promise((r) => setTimeout(r, 20));
			}
		});
		client.start();
		await until(() => urls.length >= 2, 'a reconnection');
		await new Promise((r) => setTimeout(r, 1_000));
		expect(urls).toEqual(['/api/events?lastEventId=10', '/api/events?lastEventId=3']);
		expect(server.clients.size).toBe(1);
	});
});

const connected = (head: number, heartbeatMs: number) =>
	JSON.stringify({ type: 'connected', session: null, lastEventId: head, heartbeatMs });

function beat(socket: WebSocket, everyMs: number) {
	const timer = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat' })), everyMs);
	socket.on('close', () => clearInterval(timer));
}

/** A real ws server standing in for the app's end; `greet` runs for each connection (1, 2…). */
async function fakeServer(greet: (socket: WebSocket, count: number) => void) {
	const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await once(server, 'listening');
	const { port } = server.address() as { port: number };
	const urls: string[] = [];
	server.on('connection', (socket, request) => {
		urls.push(request.url!);
		greet(socket, urls.length);
	});
	const globals = globalThis as unknown as Record<string, unknown>;
	globals.WebSocket = WebSocket;
	globals.location = { protocol: 'http:', host: `127.0.0.1:${port}` };
	cleanup.push(() => {
		for (const socket of server.clients) socket.terminate();
		delete globals.WebSocket;
		delete globals.location;
		server.close();
	});
	return { server, urls };
}

function clientOf(_server: WebSocketServer, handlers: Partial<StreamHandlers>): StreamClient {
	const client = new StreamClient({
		cursor: () => 0,
		onConnected: () => {},
		onEvent: () => {},
		onSessionEnded: async () => {},
		onResync: async () => {},
		onStatus: () => {},
		...handlers
	});
	cleanup.push(() => client.stop());
	return client;
}
