import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { acceptsGzip, gzipBytes } from '../compression';
import { getConfig } from '../config';
import { nodeHead, requestOrigin } from '../request-pipeline';
import { securityHeaders } from '../security-headers';
import { keepable, keptHeaders, KeptRenders, type Kept, type Rendered } from './kept-renders';

/*
 * The public schedule pages (`/` and `/days/<date>`) are rendered once per variant, event id
 * and minute, and the stored bytes (gzip) are served to every anonymous visitor until the next
 * event or minute. A cached page is correct by construction: it carries the event id it was
 * read at, and the stream brings it up to date from there. docs/performance.md tells the design.
 */

/** The paths whose anonymous answers may be kept; their loads still decide (`locals.cacheable`). */
const cachedPath = /^\/(?:days\/\d{4}-\d{2}-\d{2})?$/;

interface CachedPage extends Kept {
	etag: string;
	/** SvelteKit's headers (content type, CSP), without length or encoding. */
	headers: [string, string][];
	gzipped: Uint8Array<ArrayBuffer>;
}

/**
 * The variant a request asks for: the path and the three parameters the page reads. Any other
 * parameter changes nothing in the bytes, so it shares the variant.
 */
export function variantOf(url: URL): string | null {
	if (!cachedPath.test(url.pathname)) return null;
	const location = url.searchParams.get('location') ?? '';
	const by = url.searchParams.get('by') === 'location' ? 'location' : '';
	const view = url.searchParams.get('view') === 'grid' ? 'grid' : '';
	return `${url.pathname}?location=${location}&by=${by}&view=${view}`;
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

/** Our cookies' names as a Cookie header carries them (over http or https). */
const ourCookie = /(?:^|;)\s*(?:__Host-)?tidewatch[-_]/;

/**
 * Any of our cookies makes the answer personal (a session, even a dead one, or the welcome the
 * page takes): such a request never gets a kept public page.
 */
const carriesOurCookie = (cookieHeader: string | null | undefined) =>
	ourCookie.test(cookieHeader ?? '');

/**
 * The path of a GET server.js may answer early (`/` or a day, any query), told from the raw
 * request line before anything is parsed: every other request passes at the cost of a test.
 */
export function schedulePageUrl(method: string | undefined, path: string | undefined): URL | null {
	if (method !== 'GET' || !path || !cachedPath.test(path.split('?', 1)[0])) return null;
	try {
		return new URL(path, 'http://localhost');
	} catch {
		return null;
	}
}

/**
 * Browsers ask again every time (a 304 when nothing changed); a shared cache may keep the
 * page a second, about what the stream takes to bring an open page up to date anyway.
 */
const publicCacheControl = 'public, max-age=0, s-maxage=1';

interface Answer {
	status: 200 | 304;
	headers: Record<string, string>;
	body: Uint8Array<ArrayBuffer> | null;
}

/** A kept page's answer to a request with these headers. */
function answer(
	page: CachedPage,
	ifNoneMatch: string | null,
	acceptEncoding: string | null,
	how: string
): Answer {
	const headers: Record<string, string> = {
		...Object.fromEntries(page.headers),
		etag: page.etag,
		'cache-control': publicCacheControl,
		// The same URL is personal with a session cookie: a cache must not hand this one over.
		vary: 'Accept-Encoding, Cookie',
		'x-tidewatch-cache': how
	};
	if (matchesEtag(ifNoneMatch, page.etag)) {
		delete headers['content-type'];
		delete headers['content-security-policy'];
		return { status: 304, headers, body: null };
	}
	if (acceptsGzip(acceptEncoding)) {
		headers['content-encoding'] = 'gzip';
		headers['content-length'] = String(page.gzipped.length);
		return { status: 200, headers, body: page.gzipped };
	}
	const body = new Uint8Array(gunzipSync(page.gzipped));
	headers['content-length'] = String(body.length);
	return { status: 200, headers, body };
}

const toResponse = ({ status, headers, body }: Answer) => new Response(body, { status, headers });

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
	// SvelteKit gives a page's data request the page's URL: it is told apart only by this.
	if (event.request.method !== 'GET' || event.isDataRequest) return resolve(event);
	const variant = variantOf(event.url);
	if (variant === null || carriesOurCookie(event.request.headers.get('cookie')))
		return resolve(event);

	const got = await kept.get(variant, (eventId, minute) =>
		render(event, resolve, variant, eventId, minute)
	);
	if (!got.page) return got.response;
	const { headers } = event.request;
	return toResponse(
		answer(got.page, headers.get('if-none-match'), headers.get('accept-encoding'), got.how)
	);
};

/**
 * server.js's early answer: a kept page that is current answers an anonymous GET before
 * SvelteKit sees it, with the headers the hooks would add (the host rule, the security
 * headers). Anything else (a miss, a cookie of ours, a HEAD) goes on to SvelteKit. True when
 * it answered.
 */
export function answerKeptPage(request: IncomingMessage, response: ServerResponse): boolean {
	const url = schedulePageUrl(request.method, request.url);
	if (!url || carriesOurCookie(request.headers.cookie)) return false;
	if (requestOrigin(nodeHead(request), getConfig()) === null) return false;
	const variant = variantOf(url);
	const page = variant === null ? undefined : kept.peek(variant);
	if (!page) return false;
	const { status, headers, body } = answer(
		page.page,
		request.headers['if-none-match'] ?? null,
		request.headers['accept-encoding'] ?? null,
		page.how
	);
	response.writeHead(status, { ...headers, ...securityHeaders() });
	response.end(body);
	return true;
}
