import { deleteDB, openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { ApiEvent } from '$lib/api';
import { addCovered, coveringStretch, cutCovered, type Covered } from './heard';

/*
 * The copy of pages kept on the device (docs/offline.md), in IndexedDB: shared by every tab
 * and by the service worker, which writes it and answers from it with no network, with the
 * events the tabs' streams handed on since, which bring a kept page forward. It belongs
 * to one viewer (an account and its type, or the public) and is wiped whole when the login
 * ends or the viewer changes, so nothing of one viewer or level is ever shown to another.
 */

/** A page as the network last answered it: its HTML, or its data for in-app navigation. */
export interface KeptPage {
	/** `page /days/2031-07-04?view=grid` or `data /my`. */
	key: string;
	body: string;
	contentType: string;
	viewer: string;
	/** The event id the page was read at: the stream resumes from it. */
	eventId: number;
	keptAt: number;
}

/**
 * Whose the copy is, and the newest event id of its pages; `viewer` is null after a wipe.
 * `ended` names the viewers whose login ended lately, each with the head when it was wiped:
 * none of their pages read before may come back.
 */
export interface KeptOwner {
	viewer: string | null;
	eventId: number;
	ended?: Record<string, number>;
	/** The stretches of the log whose events are all kept (`heard.ts`). */
	covered?: Covered[];
}

/** An event as the viewer's stream handed it on. */
export interface HeardEvent {
	id: number;
	event: ApiEvent;
}

/** Ended viewers remembered at most: an answer on its way arrives within seconds. */
const endedKept = 8;

interface KeptSchema extends DBSchema {
	pages: { key: string; value: KeptPage; indexes: { keptAt: number } };
	owner: { key: 'owner'; value: KeptOwner };
	heard: { key: number; value: HeardEvent };
}

export const keptDatabase = 'tidewatch-kept';

/** Pages kept at most: every day of a long gathering, its entries read lately, /my, /shifts. */
export const keptPagesMax = 60;

/**
 * Events kept at most: a day of a busy gathering's edits, about 1.4 MB of entries. Bringing a
 * page forward applies each in the page, so more would be slower than loading it anew.
 */
export const heardMax = 2_000;

/** The paths kept for use with no network; `/changes` too, the schedule's news. */
const keptPaths = /^\/(?:days\/[0-9-]{10}|entries\/[^/]+|my|shifts|changes)?$/;

/**
 * The kept copy's key for a request, or null when it is not one of the kept pages. SvelteKit
 * asks for a page's data at `<path>/__data.json` with markers of what to reload; the page is
 * the same whatever they say.
 */
export function keptKey(url: URL, navigation: boolean): string | null {
	const data = url.pathname.endsWith('/__data.json');
	if (!navigation && !data) return null;
	const path = data ? url.pathname.slice(0, -'/__data.json'.length) || '/' : url.pathname;
	if (!keptPaths.test(path)) return null;
	const params = new URLSearchParams(url.search);
	params.delete('x-sveltekit-invalidated');
	params.delete('x-sveltekit-trailing-slash');
	const query = params.toString();
	return `${data ? 'data' : 'page'} ${path}${query ? `?${query}` : ''}`;
}

/**
 * What to do with a page read for `viewer` at `eventId` (a pure rule). Never a page of a login
 * that ended, read before its wipe: it may have been on its way when the login ended. Else: keep
 * it beside the copy of the same viewer; after a wipe, start the copy with it; and while another
 * viewer owns the copy, replace it only with a page read after everything kept (a login, a
 * logout, a new level: each writes an event), as one read before is an answer left over.
 */
export function keepDecision(
	owner: KeptOwner | undefined,
	viewer: string,
	eventId: number
): 'keep' | 'replace' | 'drop' {
	const endedAt = owner?.ended?.[viewer];
	if (endedAt !== undefined && eventId <= endedAt) return 'drop';
	if (!owner || owner.viewer === null) return 'replace';
	if (owner.viewer === viewer) return 'keep';
	return eventId > owner.eventId ? 'replace' : 'drop';
}

/** The owner after the login of `viewer` ended at `eventId`, the oldest ended one forgotten. */
export function endedOwner(
	owner: KeptOwner | undefined,
	viewer: string | undefined,
	eventId: number
): KeptOwner {
	const ended = { ...owner?.ended };
	if (viewer !== undefined) {
		delete ended[viewer];
		ended[viewer] = eventId;
	}
	const names = Object.keys(ended);
	for (const name of names.slice(0, Math.max(0, names.length - endedKept))) delete ended[name];
	return { viewer: null, eventId: Math.max(owner?.eventId ?? 0, eventId), ended };
}

let opened: Promise<IDBPDatabase<KeptSchema>> | null = null;

const stores = ['pages', 'owner', 'heard'] as const;

const open = () =>
	openDB<KeptSchema>(keptDatabase, 2, {
		upgrade(db, oldVersion) {
			if (oldVersion < 1) {
				db.createObjectStore('pages', { keyPath: 'key' }).createIndex('keptAt', 'keptAt');
				db.createObjectStore('owner');
			}
			if (oldVersion < 2) db.createObjectStore('heard', { keyPath: 'id' });
		},
		// A newer version of the app (a worker or tab already updated) asks to upgrade: let it.
		blocking(_current, _next, event) {
			(event.target as IDBDatabase).close();
			opened = null;
		}
	});

/**
 * The database, made anew when it lacks its stores: anything that opened the name first without
 * them (a look from the developer tools, a test) would otherwise leave nothing kept for good.
 */
function database(): Promise<IDBPDatabase<KeptSchema>> {
	opened ??= open().then(async (db) => {
		if (stores.every((store) => db.objectStoreNames.contains(store))) return db;
		db.close();
		await deleteDB(keptDatabase);
		return open();
	});
	opened.catch(() => (opened = null));
	return opened;
}

/** Keeps a page by the rule above, in one transaction; the oldest pages go past the bound. */
export async function keepPage(page: KeptPage): Promise<'keep' | 'replace' | 'drop'> {
	const tx = (await database()).transaction(stores, 'readwrite');
	const pages = tx.objectStore('pages');
	const known = await tx.objectStore('owner').get('owner');
	const decision = keepDecision(known, page.viewer, page.eventId);
	if (decision === 'drop') {
		await tx.done;
		return decision;
	}
	const owner = await ownedBy(tx, known, decision, page.viewer, page.eventId);
	const kept = await pages.get(page.key);
	// A page never goes back to an older state of itself (two tabs, answers crossing).
	if (!kept || kept.eventId <= page.eventId) await pages.put(page);
	await tx.objectStore('owner').put(owner, 'owner');
	let count = await pages.count();
	for (let cursor = await pages.index('keptAt').openCursor(); cursor && count > keptPagesMax;) {
		await cursor.delete();
		count--;
		cursor = await cursor.continue();
	}
	await tx.done;
	return decision;
}

/** The owner once `viewer`'s page or events read at `eventId` are kept; a replaced copy is emptied. */
async function ownedBy(
	tx: IDBPTransaction<KeptSchema, typeof stores, 'readwrite'>,
	known: KeptOwner | undefined,
	decision: 'keep' | 'replace',
	viewer: string,
	eventId: number
): Promise<KeptOwner> {
	if (decision === 'replace') {
		await tx.objectStore('pages').clear();
		await tx.objectStore('heard').clear();
	}
	const covered = decision === 'keep' ? known?.covered : [];
	return { ...known, viewer, eventId: Math.max(known?.eventId ?? 0, eventId), covered };
}

/**
 * Keeps what `viewer`'s stream handed on: `events`, every one of its events in (from, to], and
 * the stream current at `at` (no events: only the time). The same rule as a page's decides,
 * read at `to`: nothing of a login that ended comes back. Past the bound, the oldest go.
 */
export async function keepHeard(
	viewer: string,
	covered: Covered,
	events: HeardEvent[]
): Promise<'keep' | 'replace' | 'drop'> {
	const tx = (await database()).transaction(stores, 'readwrite');
	const heard = tx.objectStore('heard');
	const known = await tx.objectStore('owner').get('owner');
	const decision = keepDecision(known, viewer, covered.to);
	if (decision === 'drop') {
		await tx.done;
		return decision;
	}
	const owner = await ownedBy(tx, known, decision, viewer, covered.to);
	for (const event of events) await heard.put(event);
	let stretches = addCovered(owner.covered ?? [], covered);
	let count = await heard.count();
	let cut = 0;
	for (let cursor = await heard.openCursor(); cursor && count > heardMax; count--) {
		cut = cursor.value.id;
		await cursor.delete();
		cursor = await cursor.continue();
	}
	if (cut) stretches = cutCovered(stretches, cut);
	await tx.objectStore('owner').put({ ...owner, covered: stretches }, 'owner');
	await tx.done;
	return decision;
}

/**
 * What brings `viewer`'s page read at `eventId` forward: the kept events after it, in order,
 * up to the end of the stretch that holds it, and when that stretch was current.
 */
export async function heardSince(
	viewer: string,
	eventId: number
): Promise<{ events: HeardEvent[]; at: number } | null> {
	const tx = (await database()).transaction(['owner', 'heard']);
	const owner = await tx.objectStore('owner').get('owner');
	const stretch = owner?.viewer === viewer ? coveringStretch(owner.covered ?? [], eventId) : null;
	if (!stretch) return null;
	const range = IDBKeyRange.bound(eventId, stretch.to, true, false);
	const events = eventId < stretch.to ? await tx.objectStore('heard').getAll(range) : [];
	return { events, at: stretch.at };
}

/**
 * Forgets every kept event: the server's log no longer reaches them (a `resync`: a database
 * restored from a backup numbers new events as the lost ones were), so they may not be applied.
 */
export async function forgetHeard(): Promise<void> {
	const tx = (await database()).transaction(['owner', 'heard'], 'readwrite');
	await tx.objectStore('heard').clear();
	const owner = await tx.objectStore('owner').get('owner');
	if (owner) await tx.objectStore('owner').put({ ...owner, covered: [] }, 'owner');
	await tx.done;
}

export async function readPage(key: string): Promise<KeptPage | undefined> {
	return (await database()).get('pages', key);
}

/**
 * Removes every kept page and event. No page of the `ended` viewer read at or before `eventId` (the head
 * when the wiping tab asked) can be kept after it: an answer already on its way does not bring
 * the old viewer's page back.
 */
export async function wipeKeptCopy(eventId: number, ended?: string): Promise<void> {
	const tx = (await database()).transaction(stores, 'readwrite');
	await tx.objectStore('pages').clear();
	await tx.objectStore('heard').clear();
	const owner = await tx.objectStore('owner').get('owner');
	await tx.objectStore('owner').put(endedOwner(owner, ended, eventId), 'owner');
	await tx.done;
}
