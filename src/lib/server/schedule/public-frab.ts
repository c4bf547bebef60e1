import type { Db } from '../db';
import { withValidators, type Feed } from '../feeds/feed-response';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { toApiEntry } from './api-entry';
import { listEntries, scheduleChangedAt } from './entry-store';
import { buildFrabXml } from './frab-xml';
import { listLocations } from './location-store';

/**
 * The public entries as frab schedule XML, with the validators schedule apps poll with: the
 * same visibility rule as /schedule.ics (public entries, cut to the public's level).
 */
export function publicFrabXml(db: Db, origin: string, now = Date.now()): Feed {
	const { data } = readSnapshot(() => ({
		entries: listEntries(db, ['public']),
		locations: listLocations(db),
		settings: currentSettings(db),
		changedAt: scheduleChangedAt(db)
	}));
	const body = buildFrabXml({
		name: data.settings.name,
		timeZone: data.settings.timeZone,
		entries: data.entries.map((entry) => toApiEntry(entry, 'public')!),
		locations: data.locations,
		changedAt: data.changedAt,
		origin,
		now
	});
	return withValidators(body, data.changedAt);
}
