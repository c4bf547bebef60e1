import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { listEntries, scheduleChangedAt } from './entry-store';
import { buildCalendar, entryEvent } from './ics';
import { listLocations } from './location-store';
import { toApiEntry } from './api-entry';

/** Fixed rather than the request's host: a UID must stay the same however the feed is reached. */
export const uidDomain = 'tidewatch';

export interface PublicCalendar {
	body: string;
	etag: string;
	/** When the schedule last changed in any way, to the second (HTTP dates have no finer). */
	lastModified: number;
}

/** The public entries as iCalendar, with the validators a calendar app polls with. */
export function publicCalendar(db: Db): PublicCalendar {
	const { data } = readSnapshot(() => ({
		entries: listEntries(db, ['public']),
		locations: listLocations(db),
		settings: currentSettings(db),
		changedAt: scheduleChangedAt(db)
	}));
	const entries = data.entries.map((entry) => ({
		...toApiEntry(entry, 'public')!,
		updatedAt: entry.updatedAt,
		revision: entry.revision
	}));
	const names = new Map(data.locations.map((location) => [location.id, location.name]));
	const body = buildCalendar(
		entries.map((entry) => entryEvent(entry, names)),
		{ name: data.settings.name, timeZone: data.settings.timeZone, uidDomain }
	);
	return withValidators(body, data.changedAt);
}

/** A calendar body with its ETag (a hash of it) and its Last-Modified, to the second. */
export function withValidators(body: string, changedAt: number): PublicCalendar {
	const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
	return { body, etag, lastModified: Math.floor(changedAt / 1000) * 1000 };
}
