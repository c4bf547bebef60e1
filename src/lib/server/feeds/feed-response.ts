import { createHash } from 'node:crypto';
import { change, type Records } from '../storage';

/**
 * A file that apps poll (a calendar, the frab schedule): its body with the validators they
 * poll with, so an unchanged schedule costs them a 304 and no body.
 */
export interface Feed {
	body: string;
	/** A hash of the body: two bodies never share it. */
	etag: string;
	/**
	 * Whole seconds, like HTTP dates, and moved strictly each time the body changes, so two
	 * bodies never share it either (see `stampFeed`).
	 */
	lastModified: number;
}

const etagOf = (body: string) =>
	`"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/**
 * The body with validators that move with it, whatever changed it: an entry, a setting, a
 * user's demotion or rename, two changes within one second. `name` is the file (`ics`,
 * `calendar <user id>`); its last tag and date are kept, and a body whose tag differs gets a
 * date after the last one (this second, or the next if this one was given already). Only a
 * new body writes, so polling an unchanged file reads.
 */
export async function stampFeed(
	records: Records,
	name: string,
	body: string,
	now = Date.now()
): Promise<Feed> {
	const etag = etagOf(body);
	const kept = await records.feedVersions.find(name);
	if (kept?.etag === etag) return { body, etag, lastModified: kept.lastModified };
	const second = Math.floor(now / 1000) * 1000;
	const lastModified = kept ? Math.max(second, kept.lastModified + 1000) : second;
	await records.feedVersions.save(name, etag, lastModified);
	return { body, etag, lastModified };
}

/** `stampFeed` in a change of its own, serialised with every other write. */
export function stampedFeed(name: string, body: string, now = Date.now()): Promise<Feed> {
	return change(async (tx) => stampFeed(tx, name, body, now));
}

/**
 * True when the client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110).
 * A date the client holds was given with one body only, so it names that body as the tag does.
 */
function notModified(request: Request, etag: string, lastModified: number): boolean {
	const ifNoneMatch = request.headers.get('if-none-match');
	if (ifNoneMatch !== null) {
		return ifNoneMatch
			.split(',')
			.map((tag) => tag.trim().replace(/^W\//, ''))
			.some((tag) => tag === etag || tag === '*');
	}
	const since = Date.parse(request.headers.get('if-modified-since') ?? '');
	return !Number.isNaN(since) && lastModified <= since;
}

interface FeedOptions {
	contentType: string;
	filename: string;
	/** Whether shared caches may keep it: never for a personal feed. */
	cacheControl?: string;
}

/**
 * A feed as apps poll it: with its validators, and 304 when their copy is current. The 304
 * carries the headers the 200 would (RFC 9110, 15.4.5): Vary (the compression hook may send
 * the body gzipped), ETag, Cache-Control. A Last-Modified still ahead of the clock (a second
 * change within one second) is left out until it is due: no date later than the answer's own.
 */
export function feedResponse(request: Request, feed: Feed, options: FeedOptions): Response {
	const headers: Record<string, string> = {
		etag: feed.etag,
		'cache-control': options.cacheControl ?? 'no-cache',
		vary: 'Accept-Encoding'
	};
	if (feed.lastModified <= Date.now()) {
		headers['last-modified'] = new Date(feed.lastModified).toUTCString();
	}
	if (notModified(request, feed.etag, feed.lastModified)) {
		return new Response(null, { status: 304, headers });
	}
	return new Response(feed.body, {
		headers: {
			...headers,
			'content-type': options.contentType,
			'content-disposition': `inline; filename="${options.filename}"`
		}
	});
}
