import { gunzipSync } from 'node:zlib';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { readSessionToken } from '../auth/cookie';
import { acceptsGzip, gzipBytes } from '../compression';
import { welcomeCookie } from '../users/welcome';
import { keepable, keptHeaders, KeptRenders, type Kept, type Rendered } from './kept-renders';

/*
 * The public schedule pages (`/` and `/days/<date>`) are rendered once per variant, event id
 * and minute, and the stored bytes (gzip) are served to every anonymous visitor until the next
 * event or minute. A cached page is correct by construction: it carries the event id it was
 * read at, and the stream brings it up to date from there. docs/performance.md tells the design.
 */

/** The paths whose anonymous answers may be kept; their loads still decide (`locals.cacheable`). */
const cachedPath = /^\/(?:days\/\d{4}-\d{2}-\d{2})?$/;

export interface CachedPage extends Kept {
	etag: string;
	/** SvelteKit's headers (content type, CSP), without length or encoding. */
	headers: [string, string][];
	gzipped: Uint8Array<ArrayBuffer>;
}

/**
 * The variant a request asks for: the path and the two parameters the page reads. Any other
 * parameter changes nothing in the bytes, so it shares the variant.
 */
export function variantOf(url: URL): string | null {
	if (!cachedPath.test(url.pathname)) return null;
	const location = url.searchParams.get('location') ?? '';
	const by = url.searchParams.get('by') === 'location' ? 'location' : '';
	return `${url.pathname}?location=${location}&by=${by}`;
}

/** A weak tag: the gzip and plain bodies are one page, told apart by Vary. */
export function pageEtag(variant: string, eventId: number, minute: number): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < variant.length; i++) hash = Math.imul(hash ^ variant.charCodeAt(i), 16777619);
	return `W/"p${eventId}-${(minute / 60_000).toString(36)}-${(hash >>> 0).toString(36)}"`;
}

/** Whether an If-None-Match header names this tag (weak comparison, as for a GET). */
export function matchesEtag(header: string | null, etag: string): boolean {
	if (!header) return false;
	if (header.trim() === '*') return true;
	const bare = etag.replace(/^W\//, '');
	return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}

/** Any of our cookies makes the answer personal (a session, or the welcome the page takes). */
function carriesOurCookie(event: RequestEvent): boolean {
	if (readSessionToken(event.request, event.url) !== undefined) return true;
	return event.cookies.get(welcomeCookie) !== undefined;
}

/**
 * Browsers ask again every time (a 304 when nothing changed); a shared cache may keep the
 * page a second, about what the stream takes to bring an open page up to date anyway.
 */
export const publicCacheControl = 'public, max-age=0, s-maxage=1';

function answer(page: CachedPage, request: Request, how: string): Response {
	const headers = new Headers(page.headers);
	headers.set('etag', page.etag);
	headers.set('cache-control', publicCacheControl);
	// The same URL is personal with a session cookie: a cache must not hand this one over.
	headers.set('vary', 'Accept-Encoding, Cookie');
	headers.set('x-tidewatch-cache', how);
	if (matchesEtag(request.headers.get('if-none-match'), page.etag)) {
		for (const name of ['content-type', 'content-security-policy']) headers.delete(name);
		return new Response(null, { status: 304, headers });
	}
	if (acceptsGzip(request.headers.get('accept-encoding'))) {
		headers.set('content-encoding', 'gzip');
		headers.set('content-length', String(page.gzipped.length));
		return new Response(page.gzipped, { headers });
	}
	const body = new Uint8Array(gunzipSync(page.gzipped));
	headers.set('content-length', String(body.length));
	return new Response(body, { headers });
}

const kept = new KeptRenders<CachedPage>();

/** Renders through SvelteKit and keeps the page when its load said it may be kept. */
async function render(
	event: RequestEvent,
	resolve: Parameters<Handle>[0]['resolve'],
	variant: string,
	eventId: number,
	minute: number
): Promise<Rendered<CachedPage>> {
	event.locals.renderMinute = minute;
	const response = await resolve(event);
	if (!keepable(response, event.locals.cacheable)) return { response, page: null };
	const gzipped = new Uint8Array(await gzipBytes(await response.arrayBuffer()));
	const page: CachedPage = {
		eventId,
		minute,
		bytes: gzipped.length,
		etag: pageEtag(variant, eventId, minute),
		headers: keptHeaders(response),
		gzipped
	};
	return { response, page };
}

/**
 * Serves anonymous GETs of the public schedule pages from the cache: one render per variant
 * at a time (single flight); the others wait for it, or take the previous page while it is
 * less than PAGE_CACHE_STALE_SECONDS behind.
 */
export const publicPageCache: Handle = async ({ event, resolve }) => {
	if (event.request.method !== 'GET') return resolve(event);
	const variant = variantOf(event.url);
	if (variant === null || carriesOurCookie(event)) return resolve(event);

	const got = await kept.get(variant, (eventId, minute) =>
		render(event, resolve, variant, eventId, minute)
	);
	return got.page ? answer(got.page, event.request, got.how) : got.response;
};
