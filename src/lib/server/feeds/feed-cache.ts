import type { Feed } from './feed-response';

/*
 * Schedule apps poll the public files every few minutes, and building one from 2,000 entries
 * costs some 60 ms, a 304 as much as a 200 (the ETag is a hash of the body). So the last file
 * built is kept, per file, while what it was built from is unchanged: the caller's key names
 * that (the newest event id, since every change writes an event). Kept per process, behind
 * globalThis like the other long-lived objects, so a module loaded twice in dev shares it.
 */

/** Files kept at most: a few per format and origin; a flood of Host names cannot grow it. */
export const feedCacheSize = 16;

interface Kept {
	key: string;
	feed: Feed | Promise<Feed>;
}

const cacheKey = Symbol.for('tidewatch.feedCache');
type Global = { [cacheKey]?: Map<string, Kept> };

const kept = () => ((globalThis as Global)[cacheKey] ??= new Map());

/**
 * The feed named `name` built for `key`: the kept one if its key matches, else `build()`. A
 * build under way is kept too, so requests meanwhile share it; one that fails is not kept.
 */
export function cachedFeed<F extends Feed | Promise<Feed>>(
	name: string,
	key: string,
	build: () => F
): F {
	const cache = kept();
	const found = cache.get(name);
	// Re-inserted on every use, so the least recently used name is the first to go.
	cache.delete(name);
	const feed = found?.key === key ? (found.feed as F) : build();
	const entry = { key, feed };
	cache.set(name, entry);
	if (feed instanceof Promise) {
		feed.catch(() => {
			if (cache.get(name) === entry) cache.delete(name);
		});
	}
	if (cache.size > feedCacheSize) cache.delete(cache.keys().next().value!);
	return feed;
}
