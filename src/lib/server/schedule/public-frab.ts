import type { Db } from '../db';
import { withValidators, type Feed } from '../feeds/feed-response';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { toApiEntry } from './api-entry';
import { listEntries, scheduleChangedAt } from './entry-store';
import { buildFrabJson } from './frab-json';
import { frabModel } from './frab-model';
import { buildFrabXml } from './frab-xml';
import { listLocations } from './location-store';

const writers = { xml: buildFrabXml, json: buildFrabJson };

/**
 * The public entries as a frab schedule (XML or JSON), with the validators schedule apps poll
 * with: the same visibility rule as /schedule.ics (public entries, cut to the public's level).
 */
export function publicFrab(
	db: Db,
	format: keyof typeof writers,
	origin: string,
	now = Date.now()
): Feed {
	const { data } = readSnapshot(() => ({
		entries: listEntries(db, ['public']),
		locations: listLocations(db),
		settings: currentSettings(db),
		changedAt: scheduleChangedAt(db)
	}));
	const model = frabModel({
		name: data.settings.name,
		timeZone: data.settings.timeZone,
		entries: data.entries.map((entry) => toApiEntry(entry, 'public')!),
		locations: data.locations,
		changedAt: data.changedAt,
		origin,
		now
	});
	return withValidators(writers[format](model), data.changedAt);
}
