import type { ApiScheduleChange, ScheduleChangePart } from '$lib/api';
import { formatDateTime, formatTime, localDate } from './zoned-time';

/*
 * The schedule's changes (docs/changes.md): what counts as one for the public, and its words in
 * the gathering's zone, the same on `/changes`, in its feed and in the browser's announcements.
 */

/** What the public sees of an entry, with its location named. */
export interface PublicView {
	title: string;
	description: string;
	locationId: string | null;
	location: string | null;
	start: number;
	end: number;
}

/** The view of an entry; lists hold no description, which then compares as empty. */
export const viewOf = (
	entry: Pick<PublicView, 'title' | 'locationId' | 'start' | 'end'> & { description?: string },
	location: string | null = null
): PublicView => ({
	title: entry.title,
	description: entry.description ?? '',
	locationId: entry.locationId,
	location,
	start: entry.start,
	end: entry.end
});

/**
 * What changed for the public between two views of an entry (null: it could not see it), in the
 * order a visitor reads them; empty when nothing it sees changed. Locations compare by id and
 * are named from the views. The one rule of what an entry shows: the history, the schedule's
 * clock, a calendar's SEQUENCE and the browser's marks all read it.
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

/** "Sat 4 Jul, 14:00–15:00", or with both dates when it runs past midnight. */
export function formatSpan(start: number, end: number, timeZone: string): string {
	const endText =
		localDate(start, timeZone) === localDate(end, timeZone)
			? formatTime(end, timeZone)
			: formatDateTime(end, timeZone);
	return `${formatDateTime(start, timeZone)}–${endText}`;
}

const place = (location: string | null) => location ?? 'no location';

/** One part as a sentence of its own. */
export function describePart(part: ScheduleChangePart, timeZone: string): string {
	switch (part.kind) {
		case 'new':
			return 'New on the schedule.';
		case 'moved':
			return `Moved from ${formatSpan(part.from.start, part.from.end, timeZone)} to ${formatSpan(part.to.start, part.to.end, timeZone)}.`;
		case 'location-changed':
			return `Location changed from ${place(part.from)} to ${place(part.to)}.`;
		case 'retitled':
			return `Retitled; it was “${part.from}”.`;
		case 'description-changed':
			return 'Description changed.';
		case 'cancelled':
			return 'Cancelled.';
		case 'location-renamed':
			return `The location ${part.from} is now called ${part.to}.`;
	}
}

/** The heading's word for a change, by its weightiest part. */
const headlines: [ScheduleChangePart['kind'], string][] = [
	['location-renamed', 'Location renamed'],
	['new', 'New'],
	['cancelled', 'Cancelled'],
	['moved', 'Moved'],
	['location-changed', 'New location'],
	['retitled', 'Retitled']
];

/** A heading for the change: "Cancelled: Opening concert". */
export function changeHeadline(change: ApiScheduleChange): string {
	const kinds = new Set(change.what.map((part) => part.kind));
	const word = headlines.find(([kind]) => kinds.has(kind))?.[1] ?? 'Changed';
	return `${word}: ${change.title}`;
}

/** Every part of the change, then where and when the entry is (or was, when cancelled). */
export function describeChange(change: ApiScheduleChange, timeZone: string): string {
	const parts = change.what.map((part) => describePart(part, timeZone));
	if (change.start !== null && change.end !== null) {
		const was = change.what.some((part) => part.kind === 'cancelled');
		parts.push(
			`${was ? 'It was' : 'Now'} ${formatSpan(change.start, change.end, timeZone)}, ${place(change.location)}.`
		);
	}
	return parts.join(' ');
}
