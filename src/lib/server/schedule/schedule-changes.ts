import type { ScheduleChangePart } from '$lib/api';
import { mayView } from '$lib/schedule/visibility';
import type { Change } from '../storage';
import type { ServerEntry } from '../types';

/** What the public sees of an entry, with its location named. */
export interface PublicView {
	title: string;
	description: string;
	locationId: string | null;
	location: string | null;
	start: number;
	end: number;
}

/**
 * What changed for the public between two views of an entry (null: it could not see it), in the
 * order a visitor reads them; empty when nothing it sees changed. A pure rule: the history, the
 * schedule's clock and the tests all read it.
 */
export function publicChangeParts(
	before: PublicView | null,
	after: PublicView | null
): ScheduleChangePart[] {
	if (!before && !after) return [];
	if (!before) return [{ kind: 'new' }];
	if (!after) return [{ kind: 'cancelled' }];
	const parts: ScheduleChangePart[] = [];
	if (before.start !== after.start || before.end !== after.end) {
		parts.push({
			kind: 'moved',
			from: { start: before.start, end: before.end },
			to: { start: after.start, end: after.end }
		});
	}
	if (before.locationId !== after.locationId) {
		parts.push({ kind: 'location-changed', from: before.location, to: after.location });
	}
	if (before.title !== after.title) {
		parts.push({ kind: 'retitled', from: before.title, to: after.title });
	}
	if (before.description !== after.description) parts.push({ kind: 'description-changed' });
	return parts;
}

async function publicView(tx: Change, entry: ServerEntry | null): Promise<PublicView | null> {
	if (!entry || !mayView(entry.visibility, 'public')) return null;
	const location =
		entry.locationId === null ? null : ((await tx.locations.find(entry.locationId))?.name ?? null);
	const { title, description, locationId, start, end } = entry;
	return { title, description, locationId, location, start, end };
}

/**
 * Inside the change that wrote event `eventId`: records what the public saw change of an entry,
 * if anything, and then moves the schedule's clock, the public files' version. Never for a
 * draft, a crew entry or a crew note alone, which would tell the public when the organisers
 * work and make apps fetch an unchanged file.
 */
export async function recordEntryChange(
	tx: Change,
	eventId: number,
	before: ServerEntry | null,
	after: ServerEntry | null
): Promise<void> {
	const [from, to] = [await publicView(tx, before), await publicView(tx, after)];
	const what = publicChangeParts(from, to);
	if (what.length === 0) return;
	const shown = (to ?? from)!;
	await tx.scheduleChanges.add({
		id: eventId,
		at: tx.now,
		entryId: (after ?? before)!.id,
		title: shown.title,
		start: shown.start,
		end: shown.end,
		location: shown.location,
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
