import { storage } from '../storage';
import { cachedFeed } from '../feeds/feed-cache';
import { stampedFeed, type Feed } from '../feeds/feed-response';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { buildCalendar, entryEvent } from './ics';
import { toApiEntry } from './api-entry';

/** Fixed rather than the request's host: a UID must stay the same however the feed is reached. */
export const uidDomain = 'tidewatch';

/**
 * The public entries as iCalendar, with the validators a calendar app polls with; built again
 * only after a change (every change writes an event).
 */
export async function publicCalendar(): Promise<Feed> {
	const head = await storage().log.headId();
	return cachedFeed('ics', String(head), buildPublicCalendar);
}

async function buildPublicCalendar(): Promise<Feed> {
	const { data } = await readSnapshot(async (records) => ({
		entries: await records.entries.list(['public']),
		locations: await records.locations.list(),
		settings: await currentSettings(records)
	}));
	const entries = data.entries.map((entry) => ({
		...toApiEntry(entry, 'public')!,
		calendarChangedAt: entry.calendarChangedAt,
		calendarRevision: entry.calendarRevision
	}));
	const names = new Map(data.locations.map((location) => [location.id, location.name]));
	const body = buildCalendar(
		entries.map((entry) => entryEvent(entry, names)),
		{ name: data.settings.name, timeZone: data.settings.timeZone, uidDomain }
	);
	return stampedFeed('ics', body);
}
