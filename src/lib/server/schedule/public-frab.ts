import { storage } from '../storage';
import { cachedFeed } from '../feeds/feed-cache';
import { stampedFeed, type Feed } from '../feeds/feed-response';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { toApiEntry } from './api-entry';
import { buildFrabJson } from './frab-json';
import { frabModel } from './frab-model';
import { buildFrabXml } from './frab-xml';

const writers = { xml: buildFrabXml, json: buildFrabJson };

/**
 * A file depends on the time only when empty (its one day is today): a quarter of an hour is
 * the finest step of any zone's offset, so that date is never stale for long.
 */
const quarterHour = 15 * 60_000;

/**
 * The public entries as a frab schedule (XML or JSON), with the validators schedule apps poll
 * with: the same visibility rule as /schedule.ics (public entries, cut to the public's level).
 * Built again only after a change (a new event) or a quarter of an hour.
 */
export async function publicFrab(
	format: keyof typeof writers,
	origin: string,
	now = Date.now()
): Promise<Feed> {
	const key = `${await storage().log.headId()} ${Math.floor(now / quarterHour)}`;
	return cachedFeed(`${format} ${origin}`, key, () => buildPublicFrab(format, origin, now));
}

async function buildPublicFrab(
	format: keyof typeof writers,
	origin: string,
	now: number
): Promise<Feed> {
	const { data } = await readSnapshot(async (records) => ({
		entries: await records.entries.list(['public']),
		locations: await records.locations.list(),
		settings: await currentSettings(records),
		changedAt: await records.entries.clock()
	}));
	const model = frabModel({
		name: data.settings.name,
		timeZone: data.settings.timeZone,
		dayStartsAt: data.settings.dayStartsAt,
		entries: data.entries.map((entry) => toApiEntry(entry, 'public')!),
		locations: data.locations,
		changedAt: data.changedAt,
		origin,
		now
	});
	// One version per format, whatever the origin: a file asked for under two host names moves
	// its date more often, never less.
	return stampedFeed(format, writers[format](model), now);
}
