import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { rawRequest } from '../helpers/raw-http';
import { serverForSuite } from '../helpers/server';

// Short rotation, so a page load can be made to hand out a new cookie.
const server = serverForSuite({ SESSION_ROTATE_SECONDS: '1', SESSION_GRACE_SECONDS: '1' });

/** A request whose answer is read as sent: fetch would undo the compression unseen. */
const raw = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
	rawRequest(server.url + path, headers, method, body);

describe('compressed answers', () => {
	it('a page asked for with gzip comes compressed, and unpacks to the page', async () => {
		const plain = await raw('/');
		expect(plain.headers['content-encoding']).toBeUndefined();
		const packed = await raw('/', { 'accept-encoding': 'br, gzip;q=0.8' });
		expect(packed.status).toBe(200);
		expect(packed.headers['content-encoding']).toBe('gzip');
		expect(packed.headers['vary']).toMatch(/accept-encoding/i);
		const html = gunzipSync(packed.body).toString('utf8');
		expect(html).toContain('<html');
		expect(html).toContain('</html>');
		// The same page: renders of one page at one event id and minute are the same bytes.
		expect(html).toBe(plain.body.toString('utf8'));
		expect(packed.body.length).toBeLessThan(plain.body.length);
	});

	it('no gzip for a client that refuses it or names no encoding', async () => {
		for (const encoding of ['gzip;q=0', 'identity', 'br', '*;q=0, gzip;q=0']) {
			const answer = await raw('/', { 'accept-encoding': encoding });
			expect(answer.headers['content-encoding'], encoding).toBeUndefined();
			expect(answer.body.toString('utf8'), encoding).toContain('<html');
		}
		const star = await raw('/', { 'accept-encoding': '*' });
		expect(star.headers['content-encoding']).toBe('gzip');
	});

	it('the calendar keeps its validator as a weak one, and a poll with it gets 304', async () => {
		const admin = new Client(server.url);
		await admin.register('Packer');
		const location = await admin.fetch('/api/locations', {
			method: 'POST',
			json: { name: 'Hall' }
		});
		const { id: locationId } = (await location.json()) as { id: string };
		const start = Date.UTC(2030, 5, 1, 10);
		for (let i = 0; i < 12; i++) {
			const created = await admin.fetch('/api/entries', {
				method: 'POST',
				json: {
					title: `Talk ${i}`,
					description: 'A talk long enough to be worth compressing. '.repeat(4),
					locationId,
					start: start + i * 3_600_000,
					end: start + i * 3_600_000 + 1_800_000,
					visibility: 'public'
				}
			});
			expect(created.status).toBe(201);
		}
		const plain = await raw('/schedule.ics');
		const strong = plain.headers['etag'] as string;
		expect(strong).toMatch(/^"/);
		const packed = await raw('/schedule.ics', { 'accept-encoding': 'gzip' });
		expect(packed.headers['content-encoding']).toBe('gzip');
		expect(packed.headers['etag']).toBe(`W/${strong}`);
		expect(gunzipSync(packed.body).toString('utf8')).toBe(plain.body.toString('utf8'));
		const poll = await raw('/schedule.ics', {
			'accept-encoding': 'gzip',
			'if-none-match': packed.headers['etag'] as string
		});
		expect(poll.status).toBe(304);
		expect(poll.body.length).toBe(0);
	});

	it('a page that rotates the session still hands out the new cookie, compressed', async () => {
		const person = new Client(server.url);
		await person.register('Rotating');
		await new Promise((wait) => setTimeout(wait, 1_300));
		const answer = await raw('/account', {
			'accept-encoding': 'gzip',
			cookie: person.cookieHeader
		});
		expect(answer.status).toBe(200);
		expect(answer.headers['content-encoding']).toBe('gzip');
		const cookies = answer.headers['set-cookie'] ?? [];
		expect(cookies.length).toBe(1);
		expect(cookies[0]).toMatch(/HttpOnly/i);
		expect(gunzipSync(answer.body).toString('utf8')).toContain('Rotating');
	});

	it('the schedule page of a session due to rotate hands out the new cookie too', async () => {
		const person = new Client(server.url);
		await person.register('Rotating visitor');
		// The page of their type is kept now: the next one could be made without SvelteKit.
		expect((await person.fetch('/')).headers.get('x-tidewatch-cache')).toMatch(/^personal/);
		const before = person.cookieHeader;
		await new Promise((wait) => setTimeout(wait, 1_300));
		const answer = await raw('/', { 'accept-encoding': 'gzip', cookie: before });
		expect(answer.status).toBe(200);
		expect(answer.headers['set-cookie'] ?? []).toHaveLength(1);
		expect(gunzipSync(answer.body).toString('utf8')).toContain('Rotating visitor');
	});

	it('answers to POSTs are never compressed (a secret shown once sits beside what was sent)', async () => {
		const person = new Client(server.url);
		await person.register('Poster');
		const answer = await raw(
			'/account?/createFeed',
			{
				'accept-encoding': 'gzip',
				cookie: person.cookieHeader,
				origin: server.url,
				'content-type': 'application/x-www-form-urlencoded'
			},
			'POST',
			''
		);
		expect(answer.status).toBe(200);
		expect(answer.headers['content-encoding']).toBeUndefined();
		expect(answer.body.toString('utf8')).toMatch(/\/calendar\/[^"<]+\.ics/);
	});
});
