import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiLocation, Visibility } from '$lib/api';
import { applyEntryEvent, type HeldEntry } from '$lib/client/stores/entries';
import { applyLocationEvent, type HeldLocation } from '$lib/client/stores/locations';
import { addDays, dayStart, gatheringDate } from '$lib/schedule/days';
import { Client } from '../helpers/client';
import { pageData } from '../helpers/page-data';
import { phoneGet, unpacked } from '../helpers/raw-http';
import { serverForSuite } from '../helpers/server';
import { connectStream } from '../helpers/stream';

/*
 * The public schedule pages are rendered once per variant and event id and served as stored
 * bytes to every anonymous visitor; nobody with a session ever gets them, and they never hold
 * an entry the public may not see. Stale serving is off here, so every answer is at the head.
 */

const server = serverForSuite({ PAGE_CACHE_STALE_SECONDS: '0' });
const hour = 3_600_000;

const get = (path: string, headers: Record<string, string> = {}) =>
	phoneGet(server.url + path, headers);
const html = unpacked;

let admin: Client;
const locations: ApiLocation[] = [];
let today = '';

async function createEntry(fields: Partial<ApiEntry> & { title: string }): Promise<ApiEntry> {
	const start = fields.start ?? dayStart(today, { timeZone: 'UTC', dayStartsAt: '00:00' }) + hour;
	const response = await admin.json('/api/entries', 'POST', {
		locationId: locations[0].id,
		end: start + hour,
		visibility: 'public',
		...fields,
		start
	});
	expect(response.status).toBe(201);
	return (await response.json()) as ApiEntry;
}

beforeAll(async () => {
	admin = new Client(server.url);
	expect((await admin.register('Cache keeper')).status).toBe(201);
	for (const name of ['Main stage', 'Tent']) {
		const created = await admin.json('/api/locations', 'POST', { name });
		locations.push((await created.json()) as ApiLocation);
	}
	today = gatheringDate(Date.now(), { timeZone: 'UTC', dayStartsAt: '00:00' });
	// Today and tomorrow always have an entry: `/` shows today throughout, and tomorrow's page
	// is one the cache may keep.
	await createEntry({ title: 'Opening' });
	await createEntry({
		title: 'Second morning',
		start: dayStart(addDays(today, 1), { timeZone: 'UTC', dayStartsAt: '00:00' }) + hour
	});
});

describe('the public page cache', () => {
	it('serves anonymous visitors the same bytes until the next event, with a validator', async () => {
		const first = await get('/');
		const second = await get('/');
		expect(first.status).toBe(200);
		expect(second.headers['x-tidewatch-cache']).toBe('hit');
		expect(second.body.equals(first.body)).toBe(true);
		expect(second.headers.etag).toBe(first.headers.etag);
		expect(first.headers['cache-control']).toBe('public, max-age=0, s-maxage=1');
		expect(first.headers.vary).toMatch(/cookie/i);
		expect(first.headers['content-security-policy']).toContain("'sha256-");
		expect(first.headers['x-content-type-options']).toBe('nosniff');

		const unchanged = await get('/', { 'if-none-match': String(first.headers.etag) });
		expect(unchanged.status).toBe(304);
		expect(unchanged.body.length).toBe(0);

		await createEntry({ title: 'Late addition' });
		const after = await get('/', { 'if-none-match': String(first.headers.etag) });
		expect(after.status).toBe(200);
		expect(after.headers.etag).not.toBe(first.headers.etag);
		expect(html(after)).toContain('Late addition');
		// A client without gzip gets the same page unpacked.
		const plain = await get('/', { 'accept-encoding': 'identity' });
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(html(plain)).toBe(html(after));
	});

	it('many visitors arriving at once after an event wait for one render', async () => {
		await createEntry({ title: 'Crowd magnet' });
		const answers = await Promise.all(Array.from({ length: 40 }, () => get('/')));
		const how = answers.map((answer) => answer.headers['x-tidewatch-cache']);
		expect(how.filter((h) => h === 'miss')).toHaveLength(1);
		expect(new Set(answers.map((answer) => answer.body.toString('base64'))).size).toBe(1);
	});

	it('a visitor with a session, or any cookie of ours, never gets the kept page', async () => {
		const visitor = new Client(server.url);
		expect((await visitor.register('Logged in visitor')).status).toBe(201);
		await get('/');
		const kept = await get('/');
		expect(kept.headers['x-tidewatch-cache']).toBe('hit');

		// Their own page (from their type's page, personal-page.test.ts), never the public one.
		const personal = await visitor.fetch('/');
		expect(personal.headers.get('x-tidewatch-cache')).toMatch(/^personal /);
		expect(personal.headers.get('cache-control')).toBe('no-store');
		expect(await personal.text()).toContain('Logged in visitor');

		// A cookie that is no session (expired, stolen, made up) is answered with a notice.
		for (const cookie of [`${[...visitor.cookies.keys()][0]}=made-up`, 'tidewatch-welcome=x']) {
			const answer = await get('/', { cookie });
			expect(answer.headers['x-tidewatch-cache'], cookie).toBeUndefined();
		}
	});

	it("a page's data, asked for by in-app navigation at the page's address, is never the kept page", async () => {
		const tomorrow = addDays(today, 1);
		const visitor = new Client(server.url);
		expect((await visitor.register('Navigating visitor')).status).toBe(201);
		for (const path of ['/', `/days/${tomorrow}`, `/days/${tomorrow}?view=grid`]) {
			// The page is kept (for the public, and made for the visitor's type)…
			await get(path);
			expect((await get(path)).headers['x-tidewatch-cache'], path).toBe('hit');
			await visitor.fetch(path);
			const [pathname, query] = path.split('?');
			const data = `${pathname === '/' ? '' : pathname}/__data.json?${query ? `${query}&` : ''}x-sveltekit-invalidated=11`;
			// …and its data is SvelteKit's, for either.
			const anonymous = await fetch(server.url + data);
			expect(anonymous.headers.get('content-type'), data).toMatch(/^application\/json/);
			expect(anonymous.headers.get('x-tidewatch-cache')).toBeNull();
			expect((await anonymous.json()).type).toBe('data');
			const own = await visitor.fetch(data);
			expect(own.headers.get('content-type'), data).toMatch(/^application\/json/);
			expect((await own.json()).type).toBe('data');
		}
	});

	it('query strings cannot grow the cache: unknown parameters share a page, unknown places are not kept', async () => {
		const kept = await get('/');
		const junk = await get('/?utm_source=poster&x=1');
		expect(junk.headers.etag).toBe(kept.headers.etag);
		expect(junk.body.equals(kept.body)).toBe(true);
		const nowhere = await get('/?location=no-such-place');
		expect(nowhere.status).toBe(200);
		expect(nowhere.headers['x-tidewatch-cache']).toBeUndefined();
		expect(nowhere.headers['cache-control']).toBeUndefined();
		const somewhere = await get(`/?location=${locations[1].id}`);
		expect(somewhere.headers['x-tidewatch-cache']).toBe('miss');
	});

	it('a kept page plus the events after its id is a fresh render, and holds only public entries', async () => {
		// The variants a model run looks at: `/` (today), one place only, by location, tomorrow.
		const variants = [
			'/',
			`/?location=${locations[0].id}`,
			'/?by=location',
			`/days/${addDays(today, 1)}`
		];
		const rule = { timeZone: 'UTC', dayStartsAt: '00:00' };
		let serial = 0;
		type Step =
			| { kind: 'create'; visibility: Visibility; place: number; minutes: number }
			| { kind: 'update'; entry: number; visibility?: Visibility; place?: number; minutes?: number }
			| { kind: 'delete'; entry: number }
			| { kind: 'rename'; place: number }
			| { kind: 'look'; variant: number };
		const visibility = fc.constantFrom<Visibility>('public', 'crew', 'draft');
		const place = fc.nat(1);
		// Within today or tomorrow (so only `/`'s day or the next one).
		const minutes = fc.integer({ min: 0, max: 47 * 60 });
		const step: fc.Arbitrary<Step> = fc.oneof(
			fc.record({ kind: fc.constant('create' as const), visibility, place, minutes }),
			fc.record(
				{
					kind: fc.constant('update' as const),
					entry: fc.nat(3),
					visibility,
					place,
					minutes
				},
				{ requiredKeys: ['kind', 'entry'] }
			),
			fc.record({ kind: fc.constant('delete' as const), entry: fc.nat(3) }),
			fc.record({ kind: fc.constant('rename' as const), place }),
			{
				arbitrary: fc.record({ kind: fc.constant('look' as const), variant: fc.nat(3) }),
				weight: 3
			}
		);

		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
				const entries: string[] = [];
				const hidden = new Set<string>();
				const looks: { variant: string; html: string }[] = [];
				const dayStartMs = dayStart(today, rule);
				for (const s of steps) {
					if (s.kind === 'create') {
						const title = `Model ${++serial} ${s.visibility}`;
						const created = await createEntry({
							title,
							visibility: s.visibility,
							locationId: locations[s.place].id,
							start: dayStartMs + s.minutes * 60_000
						});
						entries.push(created.id);
						if (s.visibility !== 'public') hidden.add(title);
					} else if (s.kind === 'update' && entries.length) {
						const id = entries[s.entry % entries.length];
						const start = s.minutes === undefined ? undefined : dayStartMs + s.minutes * 60_000;
						const title = `Model ${++serial} ${s.visibility ?? 'same'}`;
						const answer = await admin.json(`/api/entries/${id}`, 'PATCH', {
							title,
							...(s.visibility && { visibility: s.visibility }),
							...(s.place !== undefined && { locationId: locations[s.place].id }),
							...(start !== undefined && { start, end: start + hour })
						});
						expect([200, 404]).toContain(answer.status);
						const now = (await admin.fetch(`/api/entries/${id}`).then((r) => r.json())) as ApiEntry;
						if (now.visibility !== 'public') hidden.add(now.title);
					} else if (s.kind === 'delete' && entries.length) {
						const id = entries.splice(s.entry % entries.length, 1)[0];
						expect((await admin.fetch(`/api/entries/${id}`, { method: 'DELETE' })).status).toBe(
							204
						);
					} else if (s.kind === 'rename') {
						const answer = await admin.json(`/api/locations/${locations[s.place].id}`, 'PATCH', {
							name: `Place ${++serial}`
						});
						expect(answer.status).toBe(200);
					} else if (s.kind === 'look') {
						const head = (await admin.fetch('/api/last-event-id').then((r) => r.json())) as {
							id: number;
						};
						const answer = await get(variants[s.variant]);
						expect(answer.status).toBe(200);
						expect(answer.headers['x-tidewatch-cache']).toMatch(/^(hit|miss)$/);
						const look = { variant: variants[s.variant], html: html(answer) };
						// Kept, but never behind what was committed before the visitor asked.
						expect(pageData(look.html).lastEventId).toBeGreaterThanOrEqual(head.id);
						looks.push(look);
					}
				}
				for (const look of looks) {
					// Nothing the public may not see, not even a title that was public once.
					const data = pageData(look.html);
					for (const entry of data.entries as ApiEntry[]) expect(entry.visibility).toBe('public');
					for (const title of hidden) {
						if ((data.entries as ApiEntry[]).some((entry) => entry.title === title)) continue;
						expect(look.html).not.toContain(`>${title}<`);
					}
					await expectCaughtUp(look);
				}
			}),
			{ numRuns: 30 }
		);
	}, 240_000);
});

/**
 * The kept page's data with the public stream's events after its id, against a fresh render
 * (a cookie of ours makes the answer personal: rendered for this request, never kept).
 */
async function expectCaughtUp(look: { variant: string; html: string }) {
	const kept = pageData(look.html);
	const rendered = await get(look.variant, { cookie: 'tidewatch-welcome=fresh' });
	expect(rendered.headers['x-tidewatch-cache']).toBeUndefined();
	const fresh = pageData(html(rendered));
	const from = kept.lastEventId as number;
	const to = fresh.lastEventId as number;
	let entries = kept.entries as HeldEntry[];
	let places = kept.locations as HeldLocation[];
	if (to > from) {
		const stream = await connectStream(server, { lastEventId: from });
		await stream.flush();
		for (const { id, event } of stream.events) {
			if (id > to) break;
			entries = applyEntryEvent(entries, event);
			places = applyLocationEvent(places, event);
		}
		stream.ws.close();
	}
	const day = fresh.date as string;
	const place = new URL(look.variant, server.url).searchParams.get('location');
	const rule = { timeZone: 'UTC', dayStartsAt: '00:00' };
	// What the page lists: its day's entries (at the chosen place).
	const view = (list: HeldEntry[]) =>
		list
			.filter((entry) => gatheringDate(entry.start, rule) === day)
			.filter((entry) => place === null || entry.locationId === place)
			.map(({ id, title, locationId, start, end, visibility }) => ({
				id,
				title,
				locationId,
				start,
				end,
				visibility
			}));
	expect(view(entries), look.variant).toEqual(view(fresh.entries as HeldEntry[]));
	// Events bring whole locations; a page holds what it shows of them.
	const shown = (list: HeldLocation[]) => list.map(({ id, name }) => ({ id, name }));
	expect(shown(places)).toEqual(shown(fresh.locations as HeldLocation[]));
}
