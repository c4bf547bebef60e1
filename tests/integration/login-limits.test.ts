import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream, lastEventId } from '../helpers/stream';

const server = serverForSuite({
	SESSION_MAX_LOGINS_PER_USER: '3',
	RATE_LIMIT_LOGINS_PER_USER: '5'
});

describe('the cap on live logins, over HTTP', () => {
	it('a login beyond the cap ends the least recently used one: its stream closes 4001 revoked', async () => {
		const browsers = [1, 2, 3, 4].map((i) => new Client(server.url, `browser ${i}`));
		expect((await browsers[0].register('Capped')).status).toBe(201);
		for (const browser of browsers.slice(1, 3)) {
			expect((await browser.login('Capped')).status).toBe(200);
		}
		const oldest = await connectStream(server, { cookie: browsers[0].cookieHeader });
		const kept = await connectStream(server, {
			cookie: browsers[2].cookieHeader,
			lastEventId: await lastEventId(server)
		});

		expect((await browsers[3].login('Capped')).status).toBe(200);
		const close = await oldest.waitForClose(1000);
		expect(close).toEqual({ code: 4001, reason: 'revoked' });
		// The account's other streams hear of the new login and of the one it ended.
		await kept.waitFor(
			() => kept.events.some((m) => m.event.type === 'session-delete'),
			'the ending of the oldest login'
		);
		expect(kept.events.map((m) => m.event.type)).toEqual(['session-update', 'session-delete']);
		const list = await (await browsers[3].fetch('/api/auth/sessions')).json();
		expect(list.map((s: { userAgent: string }) => s.userAgent).sort()).toEqual([
			'browser 2',
			'browser 3',
			'browser 4'
		]);
		expect((await browsers[0].fetch('/api/auth/session')).status).toBe(200);
		expect(browsers[0].cookies.has('tidewatch_session')).toBe(false);
		kept.close();
	});
});

describe('the limit on logins per user, over HTTP', () => {
	it('refuses a user’s login beyond the limit with 429 and Retry-After', async () => {
		const client = new Client(server.url);
		expect((await client.register('Busy')).status).toBe(201);
		for (let i = 0; i < 4; i++) expect((await client.login('Busy')).status).toBe(200);
		const refused = await client.login('Busy');
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await refused.json()).message).toMatch(/too many logins/);
		// Only that user waits.
		expect((await new Client(server.url).register('Calm')).status).toBe(201);
		expect((await new Client(server.url).login('Calm')).status).toBe(200);
	});
});
