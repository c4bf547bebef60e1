import { writable } from 'svelte/store';
import type { ApiAccount, ApiEvent } from '$lib/api';
import {
	forgetHeard,
	heardMax,
	heardSince,
	keepHeard,
	keptKey,
	readPage,
	wipeKeptCopy,
	type HeardEvent
} from '$lib/offline/kept-copy';

/*
 * The page's side of the copy kept on the device (docs/offline.md): it tells the service
 * worker whose each page is, keeps what its stream hands on and brings kept pages forward with
 * it, wipes the copy when the login ends or the viewer changes, and knows as of when the
 * schedule it shows was current.
 */

/** Whose a page is: the copy never mixes two accounts, nor two levels of one. */
export const viewerOf = (account: ApiAccount | null | undefined) =>
	account ? `${account.id} ${account.type}` : 'public';

/** The newest event id this tab heard of: a wipe refuses the ended viewer's pages read before it. */
let heard = 0;
export const heardEvent = (id: number) => (heard = Math.max(heard, id));

/**
 * The page just shown is `viewer`'s, read at `eventId`: the service worker may keep it. A
 * device's first page loads before its worker runs: it is told once the worker takes over.
 */
export function keepThisPage(viewer: string, eventId: number): void {
	const workers = navigator.serviceWorker;
	if (!workers) return;
	const url = location.href;
	const message = { type: 'keep', url, viewer, eventId };
	if (workers.controller) workers.controller.postMessage(message);
	else {
		workers.addEventListener(
			'controllerchange',
			() => {
				if (location.href === url) workers.controller?.postMessage(message);
			},
			{ once: true }
		);
	}
}

/**
 * Wipes the kept copy: after the login of `ended` (the viewer the page was loaded for) ended,
 * or when the page's viewer changed. The head is asked for first, so a page of the old viewer
 * read before the change and still on its way cannot be kept after the wipe.
 */
export async function wipeKept(ended: string): Promise<void> {
	heardLog.forget();
	let head = heard;
	try {
		// Without the cookie: the session's first answer after it ended carries the notice that
		// tells the person why, and a rotation here would race the logout.
		const response = await fetch('/api/last-event-id', { credentials: 'omit' });
		head = Math.max(head, ((await response.json()) as { id: number }).id);
	} catch {
		// No network: what this tab heard is the bound.
	}
	try {
		await wipeKeptCopy(head, ended);
	} catch {
		// No IndexedDB (a private window may refuse it): nothing was kept.
	}
}

/** How often at most a tab writes what its stream handed on, while the stream is live. */
const heardWriteMs = 1_000;

/**
 * What this tab's stream hands on, written to the kept copy: the events, and the stretch of the
 * log they cover whole. A socket opened at a cursor hands on every event of its viewer after it,
 * in order, so each write covers (the previous write's end, its last event]. A write refused
 * (the login ended) or failed leaves a gap: the next starts where it would have ended.
 */
export class HeardLog {
	private viewer: string | null = null;
	private from = 0;
	private to = 0;
	private pending: HeardEvent[] = [];
	private timer: ReturnType<typeof setTimeout> | undefined;
	private writing: Promise<unknown> = Promise.resolve();

	constructor(private readonly keep: typeof keepHeard = keepHeard) {}

	/** A socket opened at `cursor`: whose it is, `connected` says. */
	opened(cursor: number): void {
		this.write();
		this.viewer = null;
		this.from = this.to = cursor;
	}

	connected(viewer: string): void {
		this.viewer = viewer;
	}

	/**
	 * The viewer's login ended or changed: nothing more of this socket is kept, nor what is
	 * pending (its last events, such as the logout's own, come after the wipe's head).
	 */
	forget(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.pending = [];
		this.viewer = null;
	}

	heard(id: number, event: ApiEvent): void {
		if (this.viewer === null) return;
		this.pending.push({ id, event });
		this.to = id;
		if (this.pending.length >= heardMax) this.write();
		else this.timer ??= setTimeout(() => this.write(), heardWriteMs);
	}

	/** The replay reached the head: every event up to it was handed on. */
	caughtUp(head: number): void {
		this.to = Math.max(this.to, head);
		this.write();
	}

	/** Writes what is pending, with `at` as when the stream was last current (now, or when it stopped). */
	write(at = Date.now()): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (this.viewer === null) return;
		const { viewer, from, to, pending } = this;
		this.pending = [];
		this.from = to;
		this.writing = this.writing
			.then(() => this.keep(viewer, { from, to, at }, pending))
			.catch(() => {
				// No IndexedDB: nothing is kept, and pages load from the network.
			});
	}
}

export const heardLog = new HeardLog();

/**
 * The events kept on the device that bring `viewer`'s page, read at `eventId`, forward; none when
 * the copy is another viewer's or holds no stretch from that id.
 */
export async function keptSince(viewer: string, eventId: number): Promise<HeardEvent[]> {
	return (await heardSince(viewer, eventId))?.events ?? [];
}

/**
 * The stream said `resync`: what the device kept of the log may belong to one the server no
 * longer has. Forgotten before the page's data is loaded again, or the reload would bring it
 * back, past the server's head.
 */
export async function forgetKeptEvents(): Promise<void> {
	heardLog.forget();
	try {
		await forgetHeard();
	} catch {
		// No IndexedDB: nothing was kept.
	}
}

/** When the schedule shown was last known current, while the stream is not live; else null. */
export const currentAsOf = writable<number | null>(null);

let wasLive = false;

/** Follows the stream: the moment it stops being live is when the page was last current. */
export function followStatus(live: boolean): void {
	if (live) currentAsOf.set(null);
	else if (wasLive) {
		currentAsOf.set(Date.now());
		heardLog.write();
	}
	wasLive = live;
}

// A page going away writes what its stream handed on, current until now.
if (typeof window !== 'undefined') {
	addEventListener('pagehide', () => {
		if (wasLive) heardLog.write();
	});
}

/**
 * A page opened without the stream live: as of when its data was read. When the page is the
 * kept copy (read at the same event), the time it was kept, or later when the events kept
 * since bring it forward; else now, as it was just read.
 */
export async function pageReadAt(viewer: string, eventId: number): Promise<void> {
	if (wasLive) return;
	let at = Date.now();
	try {
		const key = keptKey(new URL(location.href), true);
		const kept = key ? await readPage(key) : undefined;
		if (kept && kept.eventId === eventId) {
			at = Math.max(kept.keptAt, (await heardSince(viewer, eventId))?.at ?? 0);
		}
	} catch {
		// No IndexedDB: the page was read from the network.
	}
	if (!wasLive) currentAsOf.set(at);
}
