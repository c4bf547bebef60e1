import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';

interface Upgrade {
	status: number;
	contentType?: string;
	body?: unknown;
	/** Closes the stream when it opened. */
	release(): void;
}

/**
 * An upgrade of /api/events sent by hand, to read a refusal's status, type and body; an
 * accepted one stays open until released.
 */
function upgrade(server: TestServer, headers: Record<string, string> = {}): Promise<Upgrade> {
	return new Promise((resolve, reject) => {
		const req = request(`${server.url}/api/events?lastEventId=0`, {
			headers: {
				connection: 'Upgrade',
				upgrade: 'websocket',
				'sec-websocket-version': '13',
				'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
				origin: server.url,
				...headers
			}
		});
		req.on('upgrade', (_response, socket) => {
			socket.on('error', () => {});
			resolve({ status: 101, release: () => socket.destroy() });
		});
		req.on('response', (response) => {
			let text = '';
			response.on('data', (chunk) => (text += chunk));
			response.on('end', () =>
				resolve({
					status: response.statusCode ?? 0,
					contentType: response.headers['content-type'],
					body: JSON.parse(text),
					release: () => {}
				})
			);
		});
		req.on('error', reject);
		req.end();
	});
}

const opened = (upgrades: Upgrade[]) => upgrades.map((u) => u.status);
const refusal = (message: RegExp) => ({
	status: 429,
	contentType: 'application/json',
	body: { message: expect.stringMatching(message) }
});

/** The server sees a stream as gone a moment after its client does: wait for the place. */
async function untilAccepted(server: TestServer, headers?: Record<string, string>) {
	for (let i = 0; i < 40; i++) {
		const attempt = await upgrade(server, headers);
		attempt.release();
		if (attempt.status === 101) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error('no place was freed');
}

async function register(server: TestServer, name: string, headers: Record<string, string> = {}) {
	const client = new Client(server.url);
	const response = await client.fetch('/api/auth/register', {
		method: 'POST',
		headers,
		json: { name, password: 'password123' }
	});
	expect(response.status).toBe(201);
	return client.cookieHeader;
}

describe('the cap on streams without a session per client address', () => {
	const server = serverForSuite({ STREAM_MAX_PER_ADDRESS: '4', STREAM_MAX_PER_USER: '10' });

	it('refuses an anonymous stream beyond the cap with 429 and a JSON message, not a logged-in one; closing one frees a place', async () => {
		const streams = await Promise.all([1, 2, 3, 4].map(() => upgrade(server)));
		expect(opened(streams)).toEqual([101, 101, 101, 101]);
		expect(await upgrade(server)).toMatchObject(refusal(/too many streams from this address/));
		// A logged-in user from the same address is not: they are held per user.
		const cookie = await register(server, 'Ada');
		const ada = await upgrade(server, { cookie });
		expect(ada.status).toBe(101);

		streams[0].release();
		await untilAccepted(server);
		for (const stream of [...streams, ada]) stream.release();
	});
});

describe('the cap on streams per user', () => {
	const server = serverForSuite({
		STREAM_MAX_PER_ADDRESS: '3',
		STREAM_MAX_PER_USER: '2',
		ADDRESS_HEADER: 'X-Forwarded-For'
	});
	const from = (address: string, cookie?: string) => ({
		'x-forwarded-for': address,
		...(cookie ? { cookie } : {})
	});

	it('refuses a user’s stream beyond the cap from any address; closing one frees a place', async () => {
		const cookie = await register(server, 'Ada', from('192.0.2.1'));
		const streams = [
			await upgrade(server, from('192.0.2.1', cookie)),
			await upgrade(server, from('192.0.2.2', cookie))
		];
		expect(opened(streams)).toEqual([101, 101]);
		expect(await upgrade(server, from('192.0.2.3', cookie))).toMatchObject(
			refusal(/too many streams for this user/)
		);
		// Anonymous streams are nobody's: the address still has room for them.
		const anonymous = await upgrade(server, from('192.0.2.3'));
		expect(anonymous.status).toBe(101);

		streams[0].release();
		await untilAccepted(server, from('192.0.2.3', cookie));
		for (const stream of [...streams, anonymous]) stream.release();
	});

	it('counts each client address the proxy names apart, and refuses an upgrade without one', async () => {
		const first = await Promise.all([1, 2, 3].map(() => upgrade(server, from('198.51.100.1'))));
		expect(opened(first)).toEqual([101, 101, 101]);
		expect(await upgrade(server, from('198.51.100.1'))).toMatchObject(
			refusal(/too many streams from this address/)
		);
		const other = await upgrade(server, from('198.51.100.2'));
		expect(other.status).toBe(101);
		expect(await upgrade(server)).toMatchObject({ status: 400 });
		for (const stream of [...first, other]) stream.release();
	});
});

describe('a venue: thousands of phones behind one address', () => {
	// The default caps, as a hosted instance runs them.
	const server = serverForSuite();

	it('200 anonymous streams from one address all open at the default settings', async () => {
		const streams: Upgrade[] = [];
		for (let batch = 0; batch < 10; batch++) {
			streams.push(...(await Promise.all(Array.from({ length: 20 }, () => upgrade(server)))));
		}
		expect(opened(streams)).toEqual(Array(200).fill(101));
		for (const stream of streams) stream.release();
	});
});

describe('the cap on streams per instance', () => {
	const server = serverForSuite({
		STREAM_MAX_PER_INSTANCE: '5',
		STREAM_MAX_PER_ADDRESS: '3',
		ADDRESS_HEADER: 'X-Forwarded-For'
	});
	const from = (address: string, cookie?: string) => ({
		'x-forwarded-for': address,
		...(cookie ? { cookie } : {})
	});

	it('one anonymous client takes at most its address’s share; beyond the instance’s cap every stream is refused with 429, logged in or not', async () => {
		const cookie = await register(server, 'Ada', from('192.0.2.1'));
		// One client behind a shared address opens all it can: the address's share, no more.
		const greedy = await Promise.all([1, 2, 3, 4].map(() => upgrade(server, from('192.0.2.1'))));
		expect(opened(greedy).sort()).toEqual([101, 101, 101, 429]);
		// Beside it, a logged-in person at the same address and a visitor elsewhere still connect.
		const others = [
			await upgrade(server, from('192.0.2.1', cookie)),
			await upgrade(server, from('198.51.100.7'))
		];
		expect(opened(others)).toEqual([101, 101]);
		// Five streams: the instance is full, for anyone.
		expect(await upgrade(server, from('198.51.100.8'))).toMatchObject(
			refusal(/as many streams as it may/)
		);
		expect(await upgrade(server, from('198.51.100.8', cookie))).toMatchObject(
			refusal(/as many streams as it may/)
		);
		others[1].release();
		await untilAccepted(server, from('198.51.100.8'));
		for (const stream of [...greedy, ...others]) stream.release();
	});
});
