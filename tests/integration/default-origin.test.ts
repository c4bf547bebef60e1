import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream } from '../helpers/stream';

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
});
