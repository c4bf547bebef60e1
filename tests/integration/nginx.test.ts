import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiLocation } from '$lib/api';
import { dayStart, gatheringDate } from '$lib/schedule/days';
import { Client } from '../helpers/client';
import { documentedEnvironment, documentedSite, startNginx, type Nginx } from '../helpers/nginx';
import { phoneGet, unpacked, type RawAnswer } from '../helpers/raw-http';
import { freePort, logEntries, startServer, type TestServer } from '../helpers/server';
import { connectStream } from '../helpers/stream';

describe('behind a real nginx, configured as docs/deploy.md says', () => {
	let app: TestServer;
	let nginx: Nginx;
	let proxyUrl: string;
	/** The first user, so the admin: registered before the other tests' users. */
	let admin: Client;

	beforeAll(async () => {
		const proxyPort = await freePort();
		proxyUrl = `http://127.0.0.1:${proxyPort}`;
		// The address header exactly as the docs' systemd unit sets it; ORIGIN is this proxy's.
		const unit = documentedEnvironment();
		if (!unit.ADDRESS_HEADER || !unit.XFF_DEPTH || !unit.ORIGIN) {
			throw new Error(
				'the systemd unit of docs/deploy.md lost ORIGIN, ADDRESS_HEADER or XFF_DEPTH'
			);
		}
		app = await startServer({
			ORIGIN: proxyUrl,
			ADDRESS_HEADER: unit.ADDRESS_HEADER,
			XFF_DEPTH: unit.XFF_DEPTH
		});
		// nginx connects to the app from 127.0.0.2, so an address the app reports as 127.0.0.1
		// can only have come from X-Forwarded-For.
		nginx = await startNginx(proxyPort, (dir) => {
			const { cache, maps, locations } = documentedSite(app.port, `${dir}/cache`);
			return { http: `\tproxy_bind 127.0.0.2;\n\t${cache}\n${maps}`, server: locations };
		});
		admin = new Client(proxyUrl);
		expect((await admin.register('Cache warden')).status).toBe(201);
	});

	afterAll(async () => {
		await nginx?.stop();
		await app?.close();
	});

	it('serves a page', async () => {
		const response = await fetch(`${proxyUrl}/register`);
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('<form');
	});

	it('takes a form posted without JavaScript, the stream upgrades through it, and the app sees the client address from X-Forwarded-For', async () => {
		const browser = new Client(proxyUrl);
		const response = await browser.form('/register?/register', {
			name: 'Proxied',
			password: 'password123'
		});
		expect(response.status).toBe(303);
		expect(browser.cookies.has('tidewatch_session')).toBe(true);

		// Offering compression, as browsers do: the extension is agreed through the proxy.
		const stream = await connectStream(
			{ ...app, url: proxyUrl },
			{ cookie: browser.cookieHeader, compress: true }
		);
		expect(stream.ws.extensions).toBe('permessage-deflate');
		expect(stream.messages[0]).toMatchObject({
			type: 'connected',
			session: { account: { name: 'Proxied' } }
		});
		const health = await (await fetch(`${proxyUrl}/api/health`)).json();
		expect(health.streams).toBe(1);

		// A change through the proxy reaches the stream through it.
		expect((await browser.json('/api/auth/account', 'PATCH', { name: 'Proxied2' })).status).toBe(
			200
		);
		await stream.waitFor(
			() => stream.events.some((e) => e.event.type === 'user-update'),
			'the rename to arrive'
		);
		stream.close();

		// The log line may reach us after the answer did.
		await expect
			.poll(() =>
				logEntries(app).find((entry) => entry.event === 'login' && entry.name === 'Proxied')
			)
			.toMatchObject({ name: 'Proxied', address: '127.0.0.1' });
	});

	describe('its cache', () => {
		let location: ApiLocation;

		/** An entry of today, so that `/` shows it; created by the admin through the proxy's API. */
		async function createEntry(title: string) {
			const today = gatheringDate(Date.now(), { timeZone: 'UTC', dayStartsAt: '00:00' });
			const start = dayStart(today, { timeZone: 'UTC', dayStartsAt: '00:00' }) + 3_600_000;
			const response = await admin.json('/api/entries', 'POST', {
				title,
				locationId: location.id,
				start,
				end: start + 3_600_000,
				visibility: 'public'
			});
			expect(response.status).toBe(201);
		}

		/** Asks until two answers in a row are a kept page and nginx's copy of it. */
		async function warm(path: string): Promise<[Answer, Answer]> {
			return until(async () => {
				const first = await get(proxyUrl + path);
				const second = await get(proxyUrl + path);
				const kept = ['MISS', 'HIT'].includes(status(first)) && status(second) === 'HIT';
				return kept ? [first, second] : undefined;
			}, `nginx to keep ${path}`);
		}

		beforeAll(async () => {
			const created = await admin.json('/api/locations', 'POST', { name: 'Harbour stage' });
			location = (await created.json()) as ApiLocation;
			await createEntry('Tide opening');
		});

		it('answers anonymous visitors of `/` itself within the second, and shows an event once the second is over', async () => {
			const [first, second] = await warm('/');
			expect(second.body.equals(first.body)).toBe(true);
			expect(second.headers['cache-control']).toBe('public, max-age=0, s-maxage=1');
			expect(html(second)).toContain('Tide opening');

			await createEntry('Low water walk');
			await until(
				async () => html(await get(`${proxyUrl}/`)).includes('Low water walk') || undefined,
				'the new entry to show'
			);
		});

		it('a cached answer never reaches a logged-in visitor, nor a personal answer anyone else', async () => {
			const visitor = new Client(proxyUrl);
			expect((await visitor.register('Night owl')).status).toBe(201);

			await warm('/');
			const personal = await get(`${proxyUrl}/`, { cookie: visitor.cookieHeader });
			expect(html(personal)).toContain('Night owl');
			expect(personal.headers['cache-control']).toBe('no-store');
			expect(status(personal)).toBe('BYPASS');
			// And what the crowd gets next is still the public page.
			expect(html(await get(`${proxyUrl}/`))).not.toContain('Night owl');

			// A personal page asked for first is not kept for the next anonymous visitor.
			const own = await get(`${proxyUrl}/?by=location`, { cookie: visitor.cookieHeader });
			expect(html(own)).toContain('Night owl');
			const anonymous = await get(`${proxyUrl}/?by=location`);
			expect(html(anonymous)).not.toContain('Night owl');
			expect(anonymous.headers['cache-control']).toBe('public, max-age=0, s-maxage=1');
			expect(status(anonymous)).toBe('MISS');

			// Any cookie of the app goes to the app, even one that is no session: the app answers
			// those itself (a notice, or the visitor's own page), never with the public page.
			await warm('/');
			for (const cookie of [
				'tidewatch_session=made-up',
				'tidewatch-welcome=x',
				`other=1; ${visitor.cookieHeader}`
			]) {
				const answer = await get(`${proxyUrl}/`, { cookie });
				expect(answer.headers['x-tidewatch-cache'] ?? 'none', cookie).toMatch(/^(none|personal)/);
				expect(status(answer), cookie).toBe('BYPASS');
			}
			// The session's name under https: the app on plain http does not read it, nginx does.
			const secure = await get(`${proxyUrl}/`, { cookie: '__Host-tidewatch_session=made-up' });
			expect(status(secure)).toBe('BYPASS');
		});

		it('keeps the built files', async () => {
			const page = html(await get(`${proxyUrl}/register`));
			const asset = /_app\/immutable\/[^"']+\.js/.exec(page)?.[0];
			expect(asset).toBeDefined();
			const first = await get(`${proxyUrl}/${asset}`);
			expect(first.status).toBe(200);
			expect(first.headers['cache-control']).toContain('immutable');
			const second = await get(`${proxyUrl}/${asset}`);
			expect(status(second)).toBe('HIT');
			expect(second.body.equals(first.body)).toBe(true);
		});
	});

	it('a forged X-Forwarded-For from the client does not become its address', async () => {
		const browser = new Client(proxyUrl);
		const response = await browser.fetch('/register?/register', {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				'x-forwarded-for': '203.0.113.9'
			},
			body: 'name=Forger&password=password123'
		});
		expect(response.status).toBe(303);
		await expect
			.poll(() =>
				logEntries(app).find((entry) => entry.event === 'login' && entry.name === 'Forger')
			)
			.toMatchObject({ address: '127.0.0.1' });
	});
});

type Answer = RawAnswer;

const get = phoneGet;
const html = unpacked;

/** How nginx's cache answered (HIT, MISS, BYPASS, STALE, ...). */
const status = (answer: Answer) => String(answer.headers['x-cache-status']);

/** Tries until `attempt` gives a value, for a few seconds: nginx keeps a page one second. */
async function until<T>(attempt: () => Promise<T | undefined>, what: string): Promise<T> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const value = await attempt();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}
