import { hashSecretToken } from '../auth/secret-token';
import { markedEntries } from '../interests/interests';
import { readSnapshot } from '../load';
import { entryEvent, buildCalendar, type CalendarEvent } from '../schedule/ics';
import { stampedFeed, type Feed } from '../feeds/feed-response';
import { uidDomain } from '../schedule/public-calendar';
import { currentSettings } from '../settings/current-settings';
import type { ServerShift } from '../types';
import { seesShifts } from '../shifts/visible-shifts';

function shiftEvent(shift: ServerShift, names: Map<string, string>): CalendarEvent {
	return {
		// Its own namespace: a shift and an entry never share a UID.
		uid: `shift-${shift.id}`,
		start: shift.start,
		end: shift.end,
		summary: `Shift: ${shift.role}`,
		description: shift.notes,
		location: (shift.locationId && names.get(shift.locationId)) || null,
		updatedAt: shift.updatedAt,
		sequence: shift.revision
	};
}

/**
 * The plan of the feed's user as iCalendar: the entries they marked that they may see now,
 * and for crew and admins the shifts they hold. Null when the secret is unknown (revoked,
 * replaced, ended by a password change, its user deleted) or the user is suspended, so the
 * URL answers 404 at once.
 */
export async function personalCalendar(token: string): Promise<Feed | null> {
	const tokenHash = hashSecretToken(token);
	const { data } = await readSnapshot(async (records) => {
		const feed = await records.calendarFeeds.findByTokenHash(tokenHash);
		const user = feed && (await records.users.find(feed.userId));
		if (!feed || !user || user.suspendedAt) return null;
		return {
			user,
			entries: await markedEntries(records, user.id, user.type),
			shifts: seesShifts(user.type) ? await records.shifts.listOf(user.id) : [],
			locations: await records.locations.list(),
			settings: await currentSettings(records)
		};
	});
	if (!data) return null;
	const names = new Map(data.locations.map((location) => [location.id, location.name]));
	const events = [
		...data.entries.map((entry) => entryEvent(entry, names)),
		...data.shifts.map((shift) => shiftEvent(shift, names))
	].sort((a, b) => a.start - b.start || a.end - b.end || (a.uid < b.uid ? -1 : 1));
	const body = buildCalendar(events, {
		name: `${data.settings.name}: ${data.user.name}`,
		timeZone: data.settings.timeZone,
		uidDomain
	});
	// Its validators follow its body: a demotion or a rename changes them as an edit does.
	return stampedFeed(`calendar ${data.user.id}`, body);
}
