import { createHash } from 'node:crypto';

/**
 * A file that apps poll (a calendar, the frab schedule): its body with the validators they
 * poll with, so an unchanged schedule costs them a 304 and no body.
 */
export interface Feed {
	body: string;
	etag: string;
	/** When what the feed shows last changed, to the second (HTTP dates have no finer). */
	lastModified: number;
}

/** A body with its ETag (a hash of it) and its Last-Modified, to the second. */
export function withValidators(body: string, changedAt: number): Feed {
	const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
	return { body, etag, lastModified: Math.floor(changedAt / 1000) * 1000 };
}

/** True when the client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110). */
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

export interface FeedOptions {
	contentType: string;
	filename: string;
	/** Whether shared caches may keep it: never for a personal feed. */
	cacheControl?: string;
}

/** A feed as apps poll it: with its validators, and 304 when their copy is current. */
export function feedResponse(request: Request, feed: Feed, options: FeedOptions): Response {
	const headers = {
		etag: feed.etag,
		'last-modified': new Date(feed.lastModified).toUTCString(),
		'cache-control': options.cacheControl ?? 'no-cache'
	};
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
