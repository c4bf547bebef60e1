import { error, type RequestEvent } from '@sveltejs/kit';
import type { AccessLevel, DayPageData, ListedEntry, Visibility } from '$lib/api';
import {
	addDays,
	dayStart,
	dayToOpen,
	gatheringDate,
	isDayDate,
	type DayRule
} from '$lib/schedule/days';
import { compareEntries } from '$lib/schedule/order';
import type { Records } from '../storage';
import { minuteOf } from '$lib/schedule/now-next';
import { visibleInterestIds } from '../interests/interests';
import { readSnapshot } from '../load';
import { currentSettings } from '../settings/current-settings';
import { accessLevelOf } from '../auth/access-level';
import { takeFirstVisit } from '../auth/welcome';
import { toApiEntry } from './api-entry';
import { latestChanges } from './change-log';
import type { ServerEntry } from '../types';
import { visibleTo } from '$lib/schedule/visibility';

/*
 * The schedule shows one day of the gathering at a time: `/` the day it opens on (dayToOpen),
 * `/days/YYYY-MM-DD` any day. Both are one load, so a page's bytes depend only on its path,
 * its `location`, `by` and `view`, the viewer, the render minute and the database: the public page
 * cache keeps what this load calls cacheable.
 */

/**
 * Whether a page cache may keep this render: only one for nobody in particular (the public,
 * or the stand-in of an account type: src/lib/server/pages/personal-page.ts) of a real variant (an
 * existing location or none, `by` absent or `location`, `view` absent or `grid`, a day with entries), so a junk query or
 * date never grows the cache.
 */
export function isCacheable(page: {
	shared: boolean;
	params: URLSearchParams;
	/** The date in the path; null for `/`. */
	date: string | null;
	locationIds: readonly string[];
	days: readonly string[];
}): boolean {
	const location = page.params.get('location');
	const by = page.params.get('by');
	const view = page.params.get('view');
	return (
		page.shared &&
		(view === null || view === 'grid') &&
		// The filter form sends `location=` for all locations: the same page as none.
		(!location || page.locationIds.includes(location)) &&
		(by === null || by === 'location') &&
		(page.date === null || page.days.includes(page.date))
	);
}

/** The days with entries, found one query per day rather than by reading every entry. */
async function daysWithEntries(
	records: Records,
	visibilities: readonly Visibility[],
	rule: DayRule
): Promise<string[]> {
	const days: string[] = [];
	for (let from = 0; ;) {
		const start = await records.entries.firstStartFrom(visibilities, from);
		if (start === undefined) return days;
		const date = gatheringDate(start, rule);
		days.push(date);
		from = dayStart(addDays(date, 1), rule);
	}
}

/** The day page's data: `date` null for `/` (the day it opens on), else the path's date. */
export async function loadDayPage(event: RequestEvent, date: string | null): Promise<DayPageData> {
	const { locals, url, cookies } = event;
	if (date !== null && !isDayDate(date)) error(404, 'no such day');
	// Renders within one minute are the same page (the page caches set the minute; entry times
	// are whole minutes, so what is on now is the same all minute long).
	const now = locals.renderMinute ?? minuteOf(Date.now());
	const viewer = accessLevelOf(locals.user);
	const visibilities = visibleTo(viewer);
	const { lastEventId, data } = await readSnapshot(async (records) => {
		const rule = await currentSettings(records);
		const days = await daysWithEntries(records, visibilities, rule);
		const today = gatheringDate(now, rule);
		const shown = date ?? dayToOpen(days, today);
		const entries =
			shown === null
				? []
				: await records.entries.listStartingIn(
						visibilities,
						dayStart(shown, rule),
						dayStart(addDays(shown, 1), rule),
						shown === today ? now : null
					);
		return {
			date: shown,
			days,
			entries: entries.map((entry) => listed(entry, viewer)).sort(compareEntries),
			changedIn: await latestChanges(records, entries),
			locations: await records.locations.listNames(),
			interests: locals.user ? await visibleInterestIds(records, locals.user.id, viewer) : null,
			newInstance: !locals.user && (await records.users.count()) === 0
		};
	});
	locals.cacheable = isCacheable({
		shared: !locals.user || locals.standIn !== undefined,
		params: url.searchParams,
		date,
		locationIds: data.locations.map((known) => known.id),
		days: data.days
	});
	return {
		...data,
		lastEventId,
		viewer,
		now,
		// The welcome is for a user who just registered: an anonymous render sets no cookie.
		firstVisit: locals.user ? takeFirstVisit(cookies, url, locals.user.id) : false
	};
}

/** An entry cut to the viewer's level and then to what the lists show. */
function listed(entry: ServerEntry, viewer: AccessLevel): ListedEntry {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars -- left out of the page data
	const { description, crewNotes, ...shown } = toApiEntry(entry, viewer)!;
	return shown;
}
