import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryRecords } from '../helpers/storage';
import { feedResponse, stampFeed } from '$lib/server/feeds/feed-response';

/*
 * A polled file's validators name one body each: two bodies never share an ETag or a
 * Last-Modified, however close together they were built, so a client holding either is never
 * told its copy is current when it is not.
 */

const second = 1000;
const options = { contentType: 'text/calendar', filename: 'x.ics' };

const database = () => memoryRecords().records;

describe('stampFeed', () => {
	it('two bodies built within one second get different dates, the second one later', async () => {
		const db = database();
		const t = Date.UTC(2030, 0, 1, 12, 0, 0, 100);
		const first = await stampFeed(db, 'ics', 'before', t);
		const second_ = await stampFeed(db, 'ics', 'after', t + 500);
		expect(second_.lastModified).toBeGreaterThan(first.lastModified);
		expect(second_.etag).not.toBe(first.etag);
		// The same body again keeps its date: a poll of an unchanged file writes nothing.
		expect(await stampFeed(db, 'ics', 'after', t + 90_000)).toEqual(second_);
	});

	it('no two bodies of one file share a Last-Modified, whatever the order and timing (model)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.record({ body: fc.constantFrom('a', 'b', 'c', 'd'), step: fc.nat(1500) }), {
					maxLength: 60
				}),
				async (builds) => {
					const db = database();
					let now = Date.UTC(2030, 0, 1);
					const bodyOf = new Map<number, string>();
					let last = -Infinity;
					for (const { body, step } of builds) {
						now += step;
						const feed = await stampFeed(db, 'xml', body, now);
						expect(feed.lastModified % second).toBe(0);
						expect(feed.lastModified).toBeGreaterThanOrEqual(last);
						last = feed.lastModified;
						expect(bodyOf.get(feed.lastModified) ?? body).toBe(body);
						bodyOf.set(feed.lastModified, body);
					}
				}
			)
		);
	});

	it('files are apart: each keeps its own date', async () => {
		const db = database();
		const t = Date.UTC(2030, 0, 1);
		await stampFeed(db, 'calendar u1', 'x', t);
		await stampFeed(db, 'calendar u1', 'y', t);
		expect((await stampFeed(db, 'calendar u2', 'z', t)).lastModified).toBe(t);
	});
});

describe('feedResponse', () => {
	const request = (headers: Record<string, string>) =>
		new Request('http://localhost/x.ics', { headers });

	it('a 304 carries the Vary, ETag and Cache-Control of the 200', async () => {
		const db = database();
		const feed = await stampFeed(db, 'ics', 'body', Date.now() - 5 * second);
		const full = feedResponse(request({}), feed, { ...options, cacheControl: 'private' });
		const short = feedResponse(request({ 'if-none-match': feed.etag }), feed, {
			...options,
			cacheControl: 'private'
		});
		expect(full.status).toBe(200);
		expect(short.status).toBe(304);
		for (const name of ['vary', 'etag', 'cache-control', 'last-modified']) {
			expect(short.headers.get(name), name).toBe(full.headers.get(name));
			expect(full.headers.get(name), name).not.toBeNull();
		}
	});

	it('a date given with one body gets the other body back, even within the same second', async () => {
		const db = database();
		const now = Date.now() - 10 * second;
		const old = await stampFeed(db, 'ics', 'old', now);
		const since = new Date(old.lastModified).toUTCString();
		const current = await stampFeed(db, 'ics', 'new', now + 1);
		const response = feedResponse(request({ 'if-modified-since': since }), current, options);
		expect(response.status).toBe(200);
		expect(feedResponse(request({ 'if-modified-since': since }), old, options).status).toBe(304);
	});

	it('leaves out a Last-Modified that is not due yet, rather than date the file in the future', async () => {
		const db = database();
		const now = Date.now();
		await stampFeed(db, 'ics', 'one', now);
		await stampFeed(db, 'ics', 'two', now);
		const ahead = await stampFeed(db, 'ics', 'three', now);
		expect(ahead.lastModified).toBeGreaterThan(now);
		const response = feedResponse(request({}), ahead, options);
		expect(response.headers.get('last-modified')).toBeNull();
		expect(response.headers.get('etag')).toBe(ahead.etag);
	});
});
