import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

const server = serverForSuite();

describe('security headers', () => {
	it('pages carry a CSP without inline script, frame-ancestors none, and the other headers', async () => {
		for (const path of ['/', '/login', '/register', '/users']) {
			const response = await fetch(server.url + path);
			const csp = response.headers.get('content-security-policy') ?? '';
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toContain("default-src 'self'");
			const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
			expect(scriptSrc).not.toContain('unsafe-inline');
			// A hash rather than a nonce: two renders of one page are the same bytes.
			expect(scriptSrc).not.toContain("'nonce-");
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('referrer-policy')).toBe('same-origin');
			// Every inline script the page holds is one the policy's hashes allow, and only those.
			const html = await response.text();
			const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)];
			expect(inline.length).toBeGreaterThan(0);
			for (const [, body] of inline) {
				const hash = createHash('sha256').update(body).digest('base64');
				expect(scriptSrc).toContain(`'sha256-${hash}'`);
			}
		}
	});

	it('authenticated responses are not cached; public ones are not forced', async () => {
		const visitor = await fetch(server.url + '/login');
		expect(visitor.headers.get('cache-control') ?? '').not.toContain('no-store');
		const client = new Client(server.url);
		await client.register('Cached');
		for (const path of ['/', '/account', '/api/auth/account', '/api/users']) {
			const response = await client.fetch(path);
			expect(response.status).toBe(200);
			expect(response.headers.get('cache-control')).toBe('no-store');
		}
	});

	it('over plain http there is no strict-transport-security', async () => {
		for (const path of ['/', '/api/last-event-id', '/api/%ff']) {
			const response = await fetch(server.url + path);
			expect(response.headers.get('strict-transport-security'), path).toBeNull();
		}
	});

	it('the early 400 that server.js answers itself carries the security headers', async () => {
		const response = await fetch(server.url + '/api/%ff');
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ message: expect.any(String) });
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
		expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
	});
});
