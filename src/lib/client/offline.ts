import { writable } from 'svelte/store';
import type { ApiAccount } from '$lib/api';
import { keptKey, readPage, wipeKeptCopy } from '$lib/offline/kept-copy';

/*
 * The page's side of the copy kept on the device (docs/offline.md): it tells the service
 * worker whose each page is, wipes the copy when the login ends or the viewer changes, and
 * knows as of when the schedule it shows was current.
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

/** When the schedule shown was last known current, while the stream is not live; else null. */
export const currentAsOf = writable<number | null>(null);

let wasLive = false;

/** Follows the stream: the moment it stops being live is when the page was last current. */
export function followStatus(live: boolean): void {
	if (live) currentAsOf.set(null);
	else if (wasLive) currentAsOf.set(Date.now());
	wasLive = live;
}

/**
 * A page opened without the stream live: as of when its data was read. When the page is the
 * kept copy (read at the same event), the time it was kept; else now, as it was just read.
 */
export async function pageReadAt(eventId: number): Promise<void> {
	if (wasLive) return;
	let at = Date.now();
	try {
		const key = keptKey(new URL(location.href), true);
		const kept = key ? await readPage(key) : undefined;
		if (kept && kept.eventId === eventId) at = kept.keptAt;
	} catch {
		// No IndexedDB: the page was read from the network.
	}
	if (!wasLive) currentAsOf.set(at);
}
