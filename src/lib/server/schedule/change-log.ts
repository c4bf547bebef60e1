import type { ApiScheduleChange, ApiSettings } from '$lib/api';
import { publicChangeParts, viewOf } from '$lib/schedule/changes';
import { mayView } from '$lib/schedule/visibility';
import { readSnapshot } from '../load';
import { Refusal } from '../refusal';
import { currentSettings } from '../settings/current-settings';
import type { Change, Records } from '../storage';
import type { ServerEntry } from '../types';

/*
 * The public schedule's changes (docs/changes.md): recorded by the change that makes one, in its
 * transaction and under its event's id, and read for `/changes`, its feed and entry pages.
 */

const seenByPublic = (entry: ServerEntry | null) =>
	entry && mayView(entry.visibility, 'public') ? entry : null;

/**
 * Inside the change that wrote event `eventId`: records what the public saw change of an entry,
 * if anything, and then moves the schedule's clock, the public files' version. Never for a
 * draft, a crew entry or a crew note alone, which would tell the public when the organisers
 * work and make apps fetch an unchanged file. Locations are named only once a change is known.
 */
export async function recordEntryChange(
	tx: Change,
	eventId: number,
	before: ServerEntry | null,
	after: ServerEntry | null
): Promise<void> {
	const [from, to] = [seenByPublic(before), seenByPublic(after)];
	const what = publicChangeParts(from && viewOf(from), to && viewOf(to));
	if (what.length === 0) return;
	const name = async (id: string | null) =>
		id === null ? null : ((await tx.locations.find(id))?.name ?? null);
	const shown = (to ?? from)!;
	const location = await name(shown.locationId);
	for (const [index, part] of what.entries()) {
		if (part.kind === 'location-changed') {
			what[index] = { ...part, from: await name(from!.locationId), to: location };
		}
	}
	await tx.scheduleChanges.add({
		id: eventId,
		at: tx.now,
		entryId: shown.id,
		title: shown.title,
		start: shown.start,
		end: shown.end,
		location,
		what
	});
	await tx.entries.touchClock(tx.now);
}

/** A location's new name is a change of every public entry held there. */
export async function recordLocationRenamed(
	tx: Change,
	eventId: number,
	from: string,
	to: string
): Promise<void> {
	await tx.scheduleChanges.add({
		id: eventId,
		at: tx.now,
		entryId: null,
		title: to,
		start: null,
		end: null,
		location: null,
		what: [{ kind: 'location-renamed', from, to }]
	});
}

/** Changes on one page of `/changes`, and in the feed. */
export const changesPerPage = 100;

export interface ChangesPage {
	lastEventId: number;
	settings: ApiSettings;
	changes: ApiScheduleChange[];
	/** The `before` of the next (older) page, or null on the last one. */
	older: number | null;
	readAt: number;
}

/** The `before` a request names (`?before=<id>`), refused when it is not a change's id. */
export function beforeOf(url: URL): number | undefined {
	const before = url.searchParams.get('before');
	if (before === null) return undefined;
	if (!/^[1-9]\d{0,15}$/.test(before)) {
		throw new Refusal(400, 'before must be the id of a change, a whole number from 1', 'before');
	}
	return Number(before);
}

/** `/changes`, newest first, from the change before `before` when given. */
export async function readChangesPage(before?: number): Promise<ChangesPage> {
	const { lastEventId, data } = await readSnapshot(async (records) => ({
		settings: await currentSettings(records),
		changes: await records.scheduleChanges.list({ limit: changesPerPage + 1, before })
	}));
	const more = data.changes.length > changesPerPage;
	const changes = data.changes.slice(0, changesPerPage);
	return {
		lastEventId,
		settings: data.settings,
		changes,
		older: more ? changes[changes.length - 1].id : null,
		readAt: Date.now()
	};
}

/** How many of the latest changes the schedule pages look back over for their marks. */
export const markLookBack = 500;

/**
 * For each of `entries` changed lately, the id of its latest change: the browser marks those
 * changed since the visitor's last visit. Bounded by `markLookBack`, whatever the log holds.
 */
export async function latestChanges(
	records: Records,
	entries: readonly { id: string }[]
): Promise<Record<string, number>> {
	const latest = await records.scheduleChanges.latestPerEntry(markLookBack);
	const found: Record<string, number> = {};
	for (const { id } of entries) {
		const change = latest.get(id);
		if (change !== undefined) found[id] = change;
	}
	return found;
}
