import { writable } from 'svelte/store';
import type { ApiEvent, ListedEntry, ScheduleChangePart } from '$lib/api';
import { describePart, publicChangeParts, viewOf } from '$lib/schedule/changes';

/*
 * "Changed since your last visit" and announcements of marked entries that move (docs/changes.md).
 * A visit's cursor is kept in this browser (localStorage), so anonymous visitors have one too:
 * an entry is marked when its latest change is later than the event id the visit began after.
 */

/** The kept cursor: the visit began after event `since`; `seen` is the newest event shown. */
export interface Visit {
	since: number;
	seen: number;
	/** When a page last showed, on this browser's clock. */
	at: number;
}

/** Away this long, and the next page begins a new visit. */
export const visitGap = 30 * 60_000;

/**
 * The visit a page load is part of (pure): a new one after `visitGap` away, which marks what
 * changed after everything the last one showed; the first visit marks nothing from before it.
 */
export function nextVisit(kept: Visit | null, lastEventId: number, now: number): Visit {
	const fresh = !kept || now - kept.at > visitGap;
	return {
		since: fresh ? (kept?.seen ?? lastEventId) : kept.since,
		seen: Math.max(kept?.seen ?? 0, lastEventId),
		at: now
	};
}

const visitKey = 'tidewatch.visit';

function readVisit(): Visit | null {
	try {
		const kept = JSON.parse(localStorage.getItem(visitKey) ?? 'null') as Visit | null;
		return kept && Number.isSafeInteger(kept.since) && Number.isSafeInteger(kept.seen)
			? kept
			: null;
	} catch {
		return null;
	}
}

function saveVisit(visit: Visit): void {
	try {
		localStorage.setItem(visitKey, JSON.stringify(visit));
	} catch {
		// Storage refused (private mode, full): marks then last as long as the page.
	}
}

/** The event id this visit began after; null before the first page. */
export const visitSince = writable<number | null>(null);
/** Entry id → the id of its latest change this page knows of: its data, then the stream. */
export const changedIn = writable<Record<string, number>>({});
/** What changed of the entries this person marked while the page was open, newest last. */
export const announcements = writable<{ id: number; text: string }[]>([]);

/** Announcements kept on the page at most: a busy hour must not grow it. */
const announcementsKept = 5;

/** A page's data arrived: its changes replace what was held, and the visit moves on. */
export function fillChanges(pageChangedIn: Record<string, number>, lastEventId: number): void {
	const visit = nextVisit(readVisit(), lastEventId, Date.now());
	saveVisit(visit);
	visitSince.set(visit.since);
	changedIn.set(pageChangedIn);
}

/** Whether an entry changed since the visit began. */
export const isChanged = (marks: Record<string, number>, since: number | null, entryId: string) =>
	since !== null && (marks[entryId] ?? 0) > since;

/**
 * What the lists show of an entry, for comparing two states of it: never its description, which
 * an event carries and the lists do not.
 */
const shown = (
	{ title, locationId, start, end }: ListedEntry,
	names: ReadonlyMap<string, string>
) =>
	viewOf(
		{ title, locationId, start, end },
		locationId === null ? null : (names.get(locationId) ?? null)
	);

const announced = new Set<ScheduleChangePart['kind']>(['moved', 'location-changed', 'cancelled']);

/**
 * An entry event is about to be applied: `held` is the entry as the page showed it. A change of
 * what the lists show marks the entry; one that moves or cancels an entry the person marked is
 * announced on the page, and as a notification where they allowed it.
 */
export function noteEntryEvent(
	id: number,
	event: ApiEvent,
	held: ListedEntry | undefined,
	interested: boolean,
	names: ReadonlyMap<string, string>,
	timeZone: string
): void {
	let parts: ScheduleChangePart[];
	if (event.type === 'entry-update') {
		parts = publicChangeParts(held ? shown(held, names) : null, shown(event.data, names));
	} else if (event.type === 'entry-delete' && held) parts = [{ kind: 'cancelled' }];
	else return;
	if (parts.length === 0) return;
	const entryId = event.data.id;
	changedIn.update((marks) => ({ ...marks, [entryId]: id }));
	visitSeen(id);
	if (!held || !interested || !parts.some((part) => announced.has(part.kind))) return;
	const text = `“${held.title}”: ${parts.map((part) => describePart(part, timeZone)).join(' ')}`;
	announcements.update((list) => [...list, { id, text }].slice(-announcementsKept));
	notify(text, entryId);
}

/** The stream showed event `id`: the next visit marks only what comes after it. */
function visitSeen(id: number): void {
	seenUpTo = Math.max(seenUpTo, id);
	// At most once a second, the first at once: a catch-up applies thousands of events in a
	// row, and a tab closed right after a change must still have seen it.
	if (seenTimer) return;
	saveSeen();
	seenTimer = setTimeout(() => {
		seenTimer = undefined;
		saveSeen();
	}, 1000);
}
let seenUpTo = 0;
let seenTimer: ReturnType<typeof setTimeout> | undefined;

function saveSeen(): void {
	const visit = readVisit();
	if (visit && seenUpTo > visit.seen) saveVisit({ ...visit, seen: seenUpTo, at: Date.now() });
}
if (typeof addEventListener === 'function') addEventListener('pagehide', saveSeen);

/** Asks to notify, from a click: browsers ask the person only then. */
export async function allowNotifications(): Promise<NotificationPermission> {
	return Notification.requestPermission();
}

async function notify(text: string, entryId: string): Promise<void> {
	if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
	const options = { body: text, tag: `entry-${entryId}` };
	// A phone shows notifications only through the service worker.
	const registration = await navigator.serviceWorker?.getRegistration();
	if (registration) await registration.showNotification('Your plan changed', options);
	else new Notification('Your plan changed', options);
}

/** The announcements shown are read: the region empties. */
export const clearAnnouncements = () => announcements.set([]);
