import { describe, expect, it } from 'vitest';
import { cachedFeed, feedCacheSize } from '$lib/server/feeds/feed-cache';
import type { Feed } from '$lib/server/feeds/feed-response';

/* The public files are built again only when what they are built from changed. */

const withValidators = (body: string, lastModified: number): Feed => ({
	body,
	etag: `"${body}"`,
	lastModified
});

describe('cachedFeed', () => {
	it('builds once per key and again when the key moves', () => {
		let builds = 0;
		const build = () => withValidators(`body ${++builds}`, 1000);
		const first = cachedFeed('test once', '1', build);
		expect(cachedFeed('test once', '1', build)).toBe(first);
		expect(builds).toBe(1);
		const second = cachedFeed('test once', '2', build);
		expect(second.body).toBe('body 2');
		expect(second.etag).not.toBe(first.etag);
	});

	it('keeps a bounded number of files, dropping the least recently used', () => {
		let builds = 0;
		const build = () => withValidators(`body ${++builds}`, 1000);
		cachedFeed('test keep', 'k', build);
		for (let i = 0; i < feedCacheSize * 4; i++) {
			cachedFeed(`test flood ${i}`, 'k', build);
			// Used all along, so never the least recently used.
			cachedFeed('test keep', 'k', build);
		}
		const before = builds;
		cachedFeed('test keep', 'k', build);
		expect(builds).toBe(before);
		cachedFeed('test flood 0', 'k', build);
		expect(builds).toBe(before + 1);
	});
});
