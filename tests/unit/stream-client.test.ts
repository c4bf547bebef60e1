import { once } from 'node:events';
import { get } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ApiUser } from '$lib/api';
import { createUsersStore } from '$lib/client/stores/users';
import { StreamClient } from '$lib/client/stream';

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
});
