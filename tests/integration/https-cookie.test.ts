import { describe, expect, it } from 'vitest';
import { serverForSuite } from '../helpers/server';

// Behind a TLS-terminating proxy, ORIGIN says https: the cookie must then be Secure and __Host-.
const server = serverForSuite({ ORIGIN: 'https://tidewatch.example' });

describe('the session cookie over https', () => {
	it('is named with the __Host- prefix and is Secure, HttpOnly, SameSite=Lax, Path=/, without Domain', async () => {
		const response = await fetch(server.url + '/api/auth/register', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Secure', password: 'password123' })
		});
		expect(response.status).toBe(201);
		const line = response.headers.getSetCookie().find((c) => c.includes('tidewatch_session='))!;
		expect(line).toMatch(/^__Host-tidewatch_session=[\w-]{20,};/);
		for (const attribute of [/; Secure/i, /; HttpOnly/i, /; SameSite=Lax/i, /; Path=\//i]) {
			expect(line).toMatch(attribute);
		}
		expect(line).not.toMatch(/; Domain=/i);

		const cookie = line.split(';')[0];
		const account = await fetch(server.url + '/api/auth/account', { headers: { cookie } });
		expect(account.status).toBe(200);
		// The plain-http name is not honoured over https.
		const plain = cookie.replace('__Host-', '');
		expect(
			(await fetch(server.url + '/api/auth/account', { headers: { cookie: plain } })).status
		).toBe(401);
	});
});

describe('HSTS', () => {
	it('pages, API answers and the early 400 of server.js carry strict-transport-security when ORIGIN is https', async () => {
		for (const path of ['/', '/login', '/api/last-event-id', '/api/%ff']) {
			const response = await fetch(server.url + path);
			expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000');
		}
	});
});
