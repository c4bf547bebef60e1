import { get, writable } from 'svelte/store';
import type { SubmitFunction } from '@sveltejs/kit';
import { browser } from '$app/environment';
import { invalidateAll } from '$app/navigation';
import { navigating } from '$app/state';
import type {
	ApiAccount,
	ApiAccountSecurity,
	ApiEvent,
	ApiLocation,
	ApiSession,
	ApiSessionState,
	ApiSettings,
	ApiShift,
	ApiUser,
	SessionNotice,
	UserType
} from '$lib/api';
import { checkForNewVersion } from './new-version';
import {
	followStatus,
	forgetKeptEvents,
	heardEvent,
	heardLog,
	keptSince,
	viewerOf,
	wipeKept
} from './offline';
import { noteEntryEvent } from './schedule-changes';
import { createAccountStore } from './stores/account';
import { createAccountSecurityStore } from './stores/account-security';
import { createEntriesStore, type HeldEntry } from './stores/entries';
import { createInterestsStore } from './stores/interests';
import { createLocationsStore, type HeldLocation } from './stores/locations';
import { createSettingsStore } from './stores/settings';
import { createShiftsStore } from './stores/shifts';
import { createUsersStore, wholeList } from './stores/users';
import { StreamClient, type StreamStatus } from './stream';

/**
 * Loads the page's data again once any navigation under way has ended. SvelteKit's invalidation
 * wins over a running navigation, so a live change arriving just after a click would otherwise
 * cancel the page the person asked for; the navigation's own load is at least as fresh.
 */
export async function reloadData(): Promise<void> {
	await navigating.complete?.catch(() => {});
	await invalidateAll();
}

/** Browser-only state: the stores the stream feeds, and the stream's status. */
export const account = createAccountStore();
export const users = createUsersStore();
export const accountSecurity = createAccountSecurityStore();
export const settings = createSettingsStore();
export const locations = createLocationsStore();
export const entries = createEntriesStore();
export const shifts = createShiftsStore();
export const interests = createInterestsStore();
export const streamStatus = writable<StreamStatus>('connecting');
/** A notice learnt from the stream's close rather than from page data (the cookie is gone by then). */
export const sessionNotice = writable<SessionNotice | null>(null);
/**
 * The type this tab's page was loaded for, when the stream told of a new one: a page that the new
 * level may not see then says the access ended, rather than showing an error (the layout clears
 * it on the next navigation).
 */
export const accessEnded = writable<UserType | null>(null);

const stores = [account, users, accountSecurity, settings, locations, entries, shifts, interests];

function cursor(): number {
	const ids = stores.map((store) => store.lastEventId()).filter((id) => id !== null);
	return ids.length ? Math.min(...ids) : 0;
}

const sameAccess = (a: ApiAccount | null | undefined, b: ApiAccount | null | undefined) =>
	(a?.id ?? null) === (b?.id ?? null) && (a?.type ?? null) === (b?.type ?? null);

/** Same user, another type: remembers the type the page was loaded for. */
function noteAccessChange(now: ApiAccount | null | undefined) {
	if (loadedFor && now?.id === loadedFor.id && now.type !== loadedFor.type) {
		accessEnded.set(loadedFor.type);
	}
}

/**
 * The account the page data was loaded for. The live store may already show a new type (its
 * event arrives before the stream closes), but the page's data still reflects the old level.
 */
let loadedFor: ApiAccount | null = null;
/** Whose stream is open: the account id its `connected` named, null for the public, undefined before. */
let streamFor: string | null | undefined;
/** This tab asked to log out: the close that follows is its own, and its navigation shows it. */
let loggingOut = false;
/** A stream was connected before: the next `connected` is a reconnect. */
let connectedBefore = false;

/** The logout form's submit: reloading data on the stream's close would undo its navigation. */
export const expectLogout: SubmitFunction = () => {
	loggingOut = true;
	void wipeKept(viewerOf(loadedFor));
	return async ({ update }) => {
		try {
			await update();
		} finally {
			loggingOut = false;
		}
	};
};

const stream = new StreamClient({
	cursor,
	onConnected(session, head) {
		streamFor = session?.account.id ?? null;
		if (connectedBefore) checkForNewVersion();
		connectedBefore = true;
		// The logout's own navigation brings the public data; reloading this page now would
		// supersede it and leave the tab logged out on the page it left.
		if (loggingOut) return;
		heardEvent(head);
		// The session in `connected` is the account as of the head, newer than any replayed event.
		if (!sameAccess(session?.account, loadedFor)) {
			noteAccessChange(session?.account);
			void wipeKept(viewerOf(loadedFor)).finally(reloadData);
		} else account.fill(session?.account ?? null, head);
		// After any wipe above: what this socket hands on is the new viewer's.
		heardLog.connected(viewerOf(session?.account));
	},
	onEvent(id, event) {
		heardEvent(id);
		if (event.type === 'entry-update' || event.type === 'entry-delete') noteEntry(id, event);
		for (const store of stores) store.apply(id, event);
		if (/^(entry|location)-/.test(event.type)) for (const listener of scheduleListeners) listener();
	},
	async onSessionEnded(reason) {
		if (loggingOut) return;
		// The login ended: nothing of it stays on the device. A rotation hands the same login a
		// new session, which the answer below tells.
		if (reason !== 'rotated') await wipeKept(viewerOf(loadedFor));
		// Asking rotates the cookie when due; only a changed account or level needs new data.
		const response = await fetch('/api/auth/session', { headers: { accept: 'application/json' } });
		const state = (await response.json()) as ApiSessionState;
		if (state.notice) sessionNotice.set(state.notice);
		if (state.notice || !sameAccess(state.session?.account, loadedFor)) {
			if (reason === 'rotated') await wipeKept(viewerOf(loadedFor));
			noteAccessChange(state.session?.account);
			await reloadData();
		}
	},
	keptSince: (cursor) => keptSince(viewerOf(loadedFor), cursor),
	onOpened: (cursor) => heardLog.opened(cursor),
	onHeard: (id, event) => heardLog.heard(id, event),
	onLive: (head) => heardLog.caughtUp(head),
	onResync: async () => {
		await forgetKeptEvents();
		await reloadData();
	},
	onStatus: (status) => {
		followStatus(status === 'live');
		streamStatus.set(status);
	}
});

const scheduleListeners = new Set<() => void>();

/**
 * Calls `listener` after each event of an entry or location (a page of what changed reloads
 * its list then); answers the function that stops it.
 */
export function onScheduleEvent(listener: () => void): () => void {
	scheduleListeners.add(listener);
	return () => scheduleListeners.delete(listener);
}

/** Marks and announces an entry's change, as the page showed the entry before it. */
function noteEntry(
	id: number,
	event: Extract<ApiEvent, { type: 'entry-update' | 'entry-delete' }>
) {
	const held = get(entries);
	const known = entries.lastEventId();
	if (!held || known === null || id <= known) return;
	const before = held.value.find((entry) => entry.id === event.data.id);
	const names = new Map((get(locations)?.value ?? []).map((l) => [l.id, l.name]));
	const interested = get(interests)?.value?.includes(event.data.id) ?? false;
	const timeZone = get(settings)?.value.timeZone ?? 'UTC';
	noteEntryEvent(id, event, before, interested, names, timeZone);
}

// The browser knows at once when it loses the network; the stream would take intervals to tell.
if (browser) {
	stream.setOnline(navigator.onLine);
	addEventListener('offline', () => stream.setOnline(false));
	addEventListener('online', () => stream.setOnline(true));
}

/** Page data arrived (first render, navigation or invalidation): refill and make sure of the stream. */
export function fillAccount(session: ApiSession | null, lastEventId: number): void {
	loadedFor = session?.account ?? null;
	if (session) sessionNotice.set(null);
	refill(() => account.fill(session?.account ?? null, lastEventId), lastEventId);
	// A login or logout with JavaScript keeps the page: its stream must become the new session's,
	// or it would go on showing what the old viewer may see and never close with that session.
	if (streamFor !== undefined && streamFor !== (session?.account.id ?? null)) {
		streamFor = undefined;
		stream.restart();
	}
}

export function fillSettings(value: ApiSettings, lastEventId: number): void {
	refill(() => settings.fill(value, lastEventId), lastEventId);
}

export function fillUsers(list: ApiUser[], lastEventId: number, window = wholeList): void {
	refill(() => users.fillWindow(list, lastEventId, window), lastEventId);
}

export function fillSchedule(
	locationList: HeldLocation[],
	entryList: HeldEntry[],
	lastEventId: number
): void {
	refill(() => {
		locations.fill(locationList, lastEventId);
		entries.fill(entryList, lastEventId);
	}, lastEventId);
}

function fillLocations(list: ApiLocation[], lastEventId: number): void {
	refill(() => locations.fill(list, lastEventId), lastEventId);
}

/** The shifts pages: every shift, the crew (for their names, live) and the locations. */
export function fillShiftsPage(data: {
	shifts: ApiShift[];
	people: ApiUser[];
	locations: ApiLocation[];
	lastEventId: number;
}): void {
	fillShifts(data.shifts, data.lastEventId);
	fillUsers(data.people, data.lastEventId);
	fillLocations(data.locations, data.lastEventId);
}

export function fillShifts(list: ApiShift[], lastEventId: number): void {
	refill(() => shifts.fill(list, lastEventId), lastEventId);
}

/** The account's marks; null for the public, whose pages show no mark buttons. */
export function fillInterests(entryIds: string[] | null, lastEventId: number): void {
	if (entryIds) refill(() => interests.fill(entryIds, lastEventId), lastEventId);
}

export function fillAccountSecurity(security: ApiAccountSecurity, lastEventId: number): void {
	refill(() => accountSecurity.fill(security, lastEventId), lastEventId);
}

function refill(fill: () => void, lastEventId: number) {
	fill();
	stream.refilled(lastEventId);
}
