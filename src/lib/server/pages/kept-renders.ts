import { getConfig } from '../config';
import { minuteOf } from '$lib/schedule/now-next';
import { storage } from '../storage';

/*
 * Renders of the schedule pages kept per key (a variant, and for logged-in visitors their
 * account type), each valid at one event id and minute: rendered at most once per key at a
 * time (single flight), within a byte budget (docs/performance.md, "The public page cache").
 */

/** What a kept render must say of itself. */
export interface Kept {
	/** The head event id read before the render: the page holds this or a later state. */
	eventId: number;
	/** The start of the minute it was rendered for (`locals.renderMinute`). */
	minute: number;
	/** When an event after `eventId` was first announced; undefined while none was. */
	staleSince?: number;
	/** What it costs the budget. */
	bytes: number;
}

/**
 * What a request gets from what is kept: `hit` at the head and minute; `stale` within the
 * allowed time after the next event or minute began, while another request renders; else
 * `render`.
 */
export function decide(
	page: Kept | undefined,
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

/** Renders by key, least recently used first out, within a byte budget. */
export class PageStore<T extends Kept> {
	private readonly pages = new Map<string, T>();
	private bytes = 0;

	constructor(private readonly maxBytes: number) {}

	get(key: string): T | undefined {
		const page = this.pages.get(key);
		if (page) {
			this.pages.delete(key);
			this.pages.set(key, page);
		}
		return page;
	}

	set(key: string, page: T): void {
		this.delete(key);
		if (page.bytes > this.maxBytes) return;
		this.pages.set(key, page);
		this.bytes += page.bytes;
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

	private delete(key: string) {
		const page = this.pages.get(key);
		if (!page) return;
		this.pages.delete(key);
		this.bytes -= page.bytes;
	}
}

/** A render's outcome: the page to keep (null: not keepable) and, unkept, SvelteKit's answer. */
export interface Rendered<T> {
	page: T | null;
	response: Response;
}

/** One store of kept renders with its single flights. */
export class KeptRenders<T extends Kept> {
	private store: PageStore<T> | undefined;
	private opening: Promise<PageStore<T>> | undefined;
	/**
	 * The head as this process knows it: read once, then moved by every announced event, so a
	 * request decides without waiting for a read. An event committed but not yet announced is
	 * as new as the request, as before.
	 */
	private head = 0;
	private readonly rendering = new Map<string, Promise<T | null>>();

	private getStore(): Promise<PageStore<T>> {
		return (this.opening ??= this.open());
	}

	private async open(): Promise<PageStore<T>> {
		const store = new PageStore<T>(getConfig().PAGE_CACHE_MAX_BYTES);
		// Subscribed before the head is read, so no event falls between the two.
		storage().onEvent((event) => {
			this.head = Math.max(this.head, event.id);
			store.announce(event.id, Date.now());
		});
		this.head = Math.max(this.head, await storage().log.headId());
		return (this.store = store);
	}

	/** The kept page for `key` when it may be served now without rendering; else undefined. */
	peek(key: string): { page: T; how: 'hit' | 'stale' } | undefined {
		// Nothing is kept before the first `get`.
		const page = this.store?.get(key);
		const head = this.head;
		const staleMs = getConfig().PAGE_CACHE_STALE_SECONDS * 1000;
		const how = decide(page, head, Date.now(), staleMs, this.rendering.has(key));
		return page && how !== 'render' ? { page, how } : undefined;
	}

	/**
	 * The kept page for `key` when it is current (or stale within PAGE_CACHE_STALE_SECONDS while
	 * another request renders it), else the one render in flight, else `render(head, minute)`.
	 */
	async get(
		key: string,
		render: (eventId: number, minute: number) => Promise<Rendered<T>>
	): Promise<{ page: T; how: 'hit' | 'stale' | 'miss' } | { page: null; response: Response }> {
		const store = await this.getStore();
		const now = Date.now();
		const head = this.head;
		const inFlight = this.rendering.get(key);
		const kept = store.get(key);
		const staleMs = getConfig().PAGE_CACHE_STALE_SECONDS * 1000;
		const decision = decide(kept, head, now, staleMs, inFlight !== undefined);
		if (kept && decision !== 'render') return { page: kept, how: decision };
		if (inFlight) {
			const page = await inFlight;
			if (page && page.eventId >= head) return { page, how: 'hit' };
		}

		const flight = render(head, minuteOf(now));
		const shared = flight.then(
			({ page }) => page,
			() => null
		);
		this.rendering.set(key, shared);
		try {
			const { page, response } = await flight;
			if (!page) return { page: null, response };
			store.set(key, page);
			return { page, how: 'miss' };
		} finally {
			if (this.rendering.get(key) === shared) this.rendering.delete(key);
		}
	}
}

/** SvelteKit's headers of a kept page: what every answer made from it repeats. */
export const keptHeaders = (response: Response): [string, string][] =>
	[...response.headers].filter(
		([name]) => !['content-length', 'content-encoding', 'etag', 'vary'].includes(name)
	);

/** Whether a render may be kept: a whole page its load called cacheable, setting no cookie. */
export const keepable = (response: Response, cacheable: boolean | undefined): boolean =>
	response.status === 200 &&
	cacheable === true &&
	!response.headers.has('set-cookie') &&
	(response.headers.get('content-type') ?? '').startsWith('text/html');
