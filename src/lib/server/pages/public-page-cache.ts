import { gunzipSync } from 'node:zlib';
import type { Handle, RequestEvent } from '@sveltejs/kit';
import { readSessionToken } from '../auth/cookie';
import { getConfig } from '../config';
import { getDb } from '../db';
import { subscribeEvents } from '../events/bus';
import { readLastEventId } from '../events/log';
import { acceptsGzip, gzipBytes } from '../compression';
import { welcomeCookie } from '../users/welcome';

/*
 * The public schedule pages (`/` and `/days/<date>`) are rendered once per variant, event id
 * and minute, and the stored bytes (gzip) are served to every anonymous visitor until the next
 * event or minute. A cached page is correct by construction: it carries the event id it was
 * read at, and the stream brings it up to date from there. docs/performance.md tells the design.
 */

/** The paths whose anonymous answers may be kept; their loads still decide (`locals.cacheable`). */
const cachedPath = /^\/(?:days\/\d{4}-\d{2}-\d{2})?$/;

export interface CachedPage {
	/** The head event id read before the render: the page holds this or a later state. */
	eventId: number;
	/** The start of the minute it was rendered for (`locals.renderMinute`). */
	minute: number;
	/** When an event after `eventId` was first announced; undefined while none was. */
	staleSince?: number;
	etag: string;
	/** SvelteKit's headers (content type, CSP), without length or encoding. */
	headers: [string, string][];
	gzipped: Uint8Array<ArrayBuffer>;
}

export const minuteOf = (ms: number) => ms - (ms % 60_000);

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

/**
 * What a request gets from what is kept: `hit` at the head and minute; `stale` within the
 * allowed seconds after the next event or minute began, while another request renders; else
 * `render`.
 */
export function decide(
	page: CachedPage | undefined,
	head: number,
	now: number,
	staleMs: number,
	rendering: boolean
): 'hit' | 'stale' | 'render' {
	if (!page) return 'render';
	const minute = minuteOf(now);
	if (page.eventId >= head && page.minute === minute) return 'hit';
	if (!rendering) return 'render';
	// Stale since the first later event was announced, or since the minute turned; an event
	// committed but not yet announced is as new as this request.
	const since = Math.min(
		page.eventId < head ? (page.staleSince ?? now) : Infinity,
		page.minute !== minute ? page.minute + 60_000 : Infinity
	);
	return now - since < staleMs ? 'stale' : 'render';
}

/** Pages by variant, least recently used first, within a byte budget. */
export class PageStore {
	private readonly pages = new Map<string, CachedPage>();
	private bytes = 0;

	constructor(private readonly maxBytes: number) {}

	get(variant: string): CachedPage | undefined {
		const page = this.pages.get(variant);
		if (page) {
			this.pages.delete(variant);
			this.pages.set(variant, page);
		}
		return page;
	}

	set(variant: string, page: CachedPage): void {
		this.delete(variant);
		if (page.gzipped.length > this.maxBytes) return;
		this.pages.set(variant, page);
		this.bytes += page.gzipped.length;
		for (const [oldest] of this.pages) {
			if (this.bytes <= this.maxBytes) break;
			this.delete(oldest);
		}
	}

	/** An event was announced: every page read before it is stale from now. */
	announce(id: number, at: number): void {
		for (const page of this.pages.values()) {
			if (page.eventId < id) page.staleSince ??= at;
		}
	}

	get bytesHeld(): number {
		return this.bytes;
	}

	private delete(variant: string) {
		const page = this.pages.get(variant);
		if (!page) return;
		this.pages.delete(variant);
		this.bytes -= page.gzipped.length;
	}
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

interface Cache {
	store: PageStore;
	rendering: Map<string, Promise<CachedPage | null>>;
}

let cache: Cache | undefined;

function getCache(): Cache {
	if (!cache) {
		const store = new PageStore(getConfig().PAGE_CACHE_MAX_BYTES);
		subscribeEvents((event) => store.announce(event.id, Date.now()));
		cache = { store, rendering: new Map() };
	}
	return cache;
}

/** Renders through SvelteKit and keeps the page when its load said it may be kept. */
async function render(
	event: RequestEvent,
	resolve: Parameters<Handle>[0]['resolve'],
	variant: string,
	eventId: number,
	minute: number
): Promise<{ response: Response; page: CachedPage | null }> {
	event.locals.renderMinute = minute;
	const response = await resolve(event);
	const keep =
		response.status === 200 &&
		event.locals.cacheable === true &&
		!response.headers.has('set-cookie') &&
		(response.headers.get('content-type') ?? '').startsWith('text/html');
	if (!keep) return { response, page: null };
	const headers = [...response.headers].filter(
		([name]) => !['content-length', 'content-encoding', 'etag', 'vary'].includes(name)
	);
	const page: CachedPage = {
		eventId,
		minute,
		etag: pageEtag(variant, eventId, minute),
		headers,
		gzipped: new Uint8Array(await gzipBytes(await response.arrayBuffer()))
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

	const { store, rendering } = getCache();
	const now = Date.now();
	const head = readLastEventId(getDb());
	const inFlight = rendering.get(variant);
	const kept = store.get(variant);
	const decision = decide(
		kept,
		head,
		now,
		getConfig().PAGE_CACHE_STALE_SECONDS * 1000,
		inFlight !== undefined
	);
	if (kept && decision !== 'render') return answer(kept, event.request, decision);
	if (inFlight) {
		const page = await inFlight;
		if (page && page.eventId >= head) return answer(page, event.request, 'hit');
	}

	const minute = minuteOf(now);
	const flight = render(event, resolve, variant, head, minute);
	const shared = flight.then(
		({ page }) => page,
		() => null
	);
	rendering.set(variant, shared);
	try {
		const { response, page } = await flight;
		if (!page) return response;
		store.set(variant, page);
		return answer(page, event.request, 'miss');
	} finally {
		if (rendering.get(variant) === shared) rendering.delete(variant);
	}
};
