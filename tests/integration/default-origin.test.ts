import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream, upgradeStatus } from '../helpers/stream';
import { request } from 'node:http';

// `npm ci && npm start` on a laptop: no ORIGIN, plain http on localhost.
const server = serverForSuite({ ORIGIN: '' });

describe('without ORIGIN', () => {
	it('forms posted from the page’s own http origin work, and a plain-http cookie is set', async () => {
		const browser = new Client(server.url);
		const response = await browser.form('/register?/register', {
			name: 'Laptop',
			password: 'password123'
		});
		expect(response.status).toBe(303);
		const line = browser.lastSetCookie.find((c) => c.startsWith('tidewatch_session='))!;
		expect(line).not.toMatch(/; Secure/i);
		expect((await browser.fetch('/api/auth/account')).status).toBe(200);
		const stream = await connectStream(server, { cookie: browser.cookieHeader });
		expect(stream.messages[0]).toMatchObject({
			type: 'connected',
			session: { account: { name: 'Laptop' } }
		});
		stream.close();
	});

	it('a forged protocol header changes nothing: a foreign origin is still refused', async () => {
		const response = await new Client(server.url).fetch('/register?/register', {
			method: 'POST',
			headers: {
				origin: 'https://evil.example',
				'x-tidewatch-protocol': 'https',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: 'name=Mallory&password=password123'
		});
		expect(response.status).toBe(403);
	});

	it('a page, a form, the API and the stream answer under a loopback name: localhost, 127.0.0.1', async () => {
		for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`]) {
			expect((await requestWithHost(host, '/')).status).toBe(200);
			expect((await requestWithHost(host, '/api/last-event-id')).status).toBe(200);
		}
		const local = { ...server, url: `http://localhost:${server.port}` };
		expect(await upgradeStatus(local)).toBe(101);
	});

	it('under any other name (DNS rebinding) pages, forms, API and stream are refused 421, naming ORIGIN', async () => {
		const host = `rebound.example:${server.port}`;
		const page = await requestWithHost(host, '/');
		expect(page.status).toBe(421);
		expect(page.body).toContain('ORIGIN');
		const api = await requestWithHost(host, '/api/last-event-id');
		expect(api.status).toBe(421);
		expect(JSON.parse(api.body).message).toContain('ORIGIN');
		const form = await requestWithHost(host, '/register?/register', {
			method: 'POST',
			body: 'name=Rebound&password=password123',
			headers: {
				origin: `http://${host}`,
				'content-type': 'application/x-www-form-urlencoded'
			}
		});
		expect(form.status).toBe(421);
		expect(server.query('SELECT 1 FROM "user" WHERE name = \'Rebound\'')).toEqual([]);
		for (const other of ['192.168.1.5:3000', 'localhost.rebound.example']) {
			expect((await requestWithHost(other, '/api/last-event-id')).status).toBe(421);
		}
		const rebound = await streamUpgradeWithHost(host);
		expect(rebound).toMatch(/^HTTP\/1\.1 421/);
		expect(rebound).toContain('ORIGIN');
	});
});

/** fetch cannot set Host; node:http can, as a rebound browser would send it. */
function requestWithHost(
	host: string,
	path: string,
	init: { method?: string; body?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: server.port,
				path,
				method: init.method ?? 'GET',
				headers: { host, ...init.headers }
			},
			(res) => {
				let body = '';
				res.on('data', (chunk) => (body += chunk));
				res.on('end', () => resolve({ status: res.statusCode!, body }));
			}
		);
		req.on('error', reject);
		req.end(init.body);
	});
}

/** The raw answer to a stream upgrade that names `host`, with the matching Origin. */
function streamUpgradeWithHost(host: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const req = request({
			host: '127.0.0.1',
			port: server.port,
			path: '/api/events?lastEventId=0',
			headers: {
				host,
				origin: `http://${host}`,
				connection: 'Upgrade',
				upgrade: 'websocket',
				'sec-websocket-version': '13',
				'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ=='
			}
		});
		req.on('upgrade', (res, socket) => {
			socket.destroy();
			resolve(`HTTP/1.1 ${res.statusCode}`);
		});
		req.on('response', (res) => {
			let body = '';
			res.on('data', (chunk) => (body += chunk));
			res.on('end', () => resolve(`HTTP/1.1 ${res.statusCode} ${body}`));
		});
		req.on('error', reject);
		req.end();
	});
}
