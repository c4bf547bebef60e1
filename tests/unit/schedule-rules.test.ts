import { describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEntry, Visibility } from '$lib/api';
import { entryCreateSchema } from '$lib/api';
import { groupByDay, groupByLocation } from '$lib/schedule/days';
import { nowAndNext } from '$lib/schedule/now-next';
import { findOverlaps } from '$lib/schedule/overlaps';
import { formatTime, fromLocalInput, localDate, toLocalInput } from '$lib/schedule/zoned-time';
import { toApiEntry } from '$lib/server/schedule/api-entry';
import type { ServerEntry } from '$lib/server/types';
import { mayView, visibleTo } from '$lib/schedule/visibility';
import { projectEntryUpdate } from '$lib/server/stream/projection';

const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];

const serverEntry = (visibility: Visibility, fields: Partial<ServerEntry> = {}): ServerEntry => ({
	id: 'e1',
	title: 'Opening',
	description: 'Doors at seven',
	locationId: 'l1',
	start: 1000,
	end: 2000,
	visibility,
	crewNotes: 'bring the keys',
	createdAt: 1,
	updatedAt: 1,
	revision: 0,
	calendarRevision: 0,
	calendarChangedAt: 0,
	interestedCount: 4,
	...fields
});

const entry = (
	id: string,
	start: number,
	end: number,
	locationId: string | null = 'l1'
): ApiEntry => ({
	id,
	title: id,
	description: '',
	locationId,
	start,
	end,
	visibility: 'public'
});

describe('visibility by access level', () => {
	it('the public and regular users see public entries; crew also crew entries; admins also drafts', () => {
		const table = Object.fromEntries(
			levels.map((level) => [
				level,
				(['public', 'crew', 'draft'] as const).filter((v) => mayView(v, level))
			])
		);
		expect(table).toEqual({
			public: ['public'],
			regular: ['public'],
			crew: ['public', 'crew'],
			admin: ['public', 'crew', 'draft']
		});
		for (const level of levels) expect(visibleTo(level)).toEqual(table[level]);
	});

	it('crewNotes and interestedCount reach crew and admins only; a level that may not see the entry gets nothing', () => {
		for (const level of ['public', 'regular'] as const) {
			expect(toApiEntry(serverEntry('public'), level)).not.toHaveProperty('crewNotes');
			expect(toApiEntry(serverEntry('public'), level)).not.toHaveProperty('interestedCount');
		}
		expect(toApiEntry(serverEntry('public'), 'crew')?.interestedCount).toBe(4);
		expect(toApiEntry(serverEntry('public'), 'admin')?.interestedCount).toBe(4);
		expect(toApiEntry(serverEntry('public'), 'crew')?.crewNotes).toBe('bring the keys');
		expect(toApiEntry(serverEntry('public'), 'admin')?.crewNotes).toBe('bring the keys');
		expect(toApiEntry(serverEntry('crew'), 'regular')).toBeNull();
		expect(toApiEntry(serverEntry('draft'), 'crew')).toBeNull();
		// Server-only fields never leave the server; the version goes to admins, who edit.
		expect(Object.keys(toApiEntry(serverEntry('public'), 'admin')!).sort()).toEqual(
			[
				'crewNotes',
				'description',
				'end',
				'id',
				'interestedCount',
				'locationId',
				'start',
				'title',
				'version',
				'visibility'
			].sort()
		);
	});

	it('projection rule: entry-update cut to the level for a level that may see it, entry-delete for one that may not', () => {
		for (const visibility of ['public', 'crew', 'draft'] as const) {
			const event = {
				type: 'entry-update' as const,
				data: serverEntry(visibility),
				id: 9,
				createdAt: 1
			};
			for (const level of levels) {
				const projected = projectEntryUpdate(event, { level, userId: null });
				if (mayView(visibility, level)) {
					expect(projected).toEqual({ type: 'entry-update', data: toApiEntry(event.data, level) });
				} else {
					expect(projected).toEqual({ type: 'entry-delete', data: { id: 'e1' } });
				}
			}
		}
	});
});

describe('overlaps: two entries in one location at once', () => {
	it('marks entries that overlap in the same location, both ways', () => {
		const overlaps = findOverlaps([entry('a', 0, 10), entry('b', 5, 15), entry('c', 20, 30)]);
		expect(Object.fromEntries(overlaps)).toEqual({ a: ['b'], b: ['a'] });
	});

	it('touching is no overlap; other locations and entries without one never overlap', () => {
		expect(findOverlaps([entry('a', 0, 10), entry('b', 10, 20)]).size).toBe(0);
		expect(findOverlaps([entry('a', 0, 10, 'l1'), entry('b', 0, 10, 'l2')]).size).toBe(0);
		expect(findOverlaps([entry('a', 0, 10, null), entry('b', 0, 10, null)]).size).toBe(0);
	});

	it('a long entry overlaps every entry inside it', () => {
		const overlaps = findOverlaps([entry('long', 0, 100), entry('x', 10, 20), entry('y', 30, 40)]);
		expect(overlaps.get('long')).toEqual(['x', 'y']);
		expect(overlaps.get('x')).toEqual(['long']);
	});
});

describe('days in the settings time zone, across a daylight-saving change', () => {
	// Europe/Berlin leaves summer time on the last Sunday of October: 2026-10-25, 03:00 CEST → 02:00 CET.
	const zone = 'Europe/Berlin';

	it('groups by the local date of the start, not the UTC date', () => {
		// 23:30 CEST on Saturday 24 October is 21:30 UTC the same day; 00:30 CEST Sunday is 22:30 UTC Saturday.
		const saturdayLate = entry('sat', Date.UTC(2026, 9, 24, 21, 30), Date.UTC(2026, 9, 24, 22, 0));
		const sundayEarly = entry('sun', Date.UTC(2026, 9, 24, 22, 30), Date.UTC(2026, 9, 24, 23, 0));
		// 23:30 CET on Sunday is 22:30 UTC Sunday; after the change the offset is one hour.
		const sundayLate = entry(
			'sun-late',
			Date.UTC(2026, 9, 25, 22, 30),
			Date.UTC(2026, 9, 25, 23, 0)
		);
		const mondayEarly = entry('mon', Date.UTC(2026, 9, 25, 23, 30), Date.UTC(2026, 9, 26, 0, 0));
		const days = groupByDay([saturdayLate, sundayEarly, sundayLate, mondayEarly], {
			timeZone: zone,
			dayStartsAt: '00:00'
		});
		expect(days.map((day) => [day.date, day.entries.map((e) => e.id)])).toEqual([
			['2026-10-24', ['sat']],
			['2026-10-25', ['sun', 'sun-late']],
			['2026-10-26', ['mon']]
		]);
		expect(formatTime(sundayEarly.start, zone)).toBe('00:30');
		expect(formatTime(sundayLate.start, zone)).toBe('23:30');
	});

	it('the hour that happens twice shows twice: 02:30 CEST, then 02:30 CET', () => {
		expect(formatTime(Date.UTC(2026, 9, 25, 0, 30), zone)).toBe('02:30');
		expect(formatTime(Date.UTC(2026, 9, 25, 1, 30), zone)).toBe('02:30');
		expect(localDate(Date.UTC(2026, 9, 25, 1, 30), zone)).toBe('2026-10-25');
	});

	it('a wall-clock time typed in the admin form names the right instant on either side of the change', () => {
		expect(fromLocalInput('2026-10-24T20:00', zone)).toBe(Date.UTC(2026, 9, 24, 18));
		expect(fromLocalInput('2026-10-26T20:00', zone)).toBe(Date.UTC(2026, 9, 26, 19));
		// Twice-happening: the first of the two.
		expect(fromLocalInput('2026-10-25T02:30', zone)).toBe(Date.UTC(2026, 9, 25, 0, 30));
		// Never-happening (spring forward, 29 March 2026 02:00 → 03:00): read as 03:30 CEST.
		expect(fromLocalInput('2026-03-29T02:30', zone)).toBe(Date.UTC(2026, 2, 29, 1, 30));
		for (const ms of [
			Date.UTC(2026, 9, 24, 18),
			Date.UTC(2026, 9, 26, 19),
			Date.UTC(2026, 6, 1, 8, 15)
		]) {
			expect(fromLocalInput(toLocalInput(ms, zone), zone)).toBe(ms);
		}
	});

	it('times show in the settings zone whatever the zone of the machine', () => {
		expect(formatTime(Date.UTC(2026, 6, 4, 16, 30), 'America/New_York')).toBe('12:30');
		expect(formatTime(Date.UTC(2026, 6, 4, 16, 30), 'UTC')).toBe('16:30');
	});
});

describe('now and next', () => {
	it('now is what has started and not ended; next is the first entry still to come at each location', () => {
		const list = [
			entry('past', 0, 10),
			entry('running', 10, 30),
			entry('next-l1', 40, 50),
			entry('later-l1', 60, 70),
			entry('next-l2', 45, 55, 'l2'),
			entry('next-none', 80, 90, null)
		];
		const { now, next } = nowAndNext(list, 20);
		expect(now.map((e) => e.id)).toEqual(['running']);
		expect(next.map((e) => e.id)).toEqual(['next-l1', 'next-l2', 'next-none']);
		// An entry is over at its end.
		expect(nowAndNext(list, 30).now).toEqual([]);
	});

	it('groups a day by location in the order of the locations, entries without one last', () => {
		const groups = groupByLocation(
			[entry('a', 0, 1, 'l2'), entry('b', 0, 1, null), entry('c', 0, 1, 'l1')],
			[{ id: 'l1' }, { id: 'l2' }, { id: 'l3' }]
		);
		expect(groups.map((g) => [g.location?.id ?? null, g.entries.map((e) => e.id)])).toEqual([
			['l1', ['c']],
			['l2', ['a']],
			[null, ['b']]
		]);
	});
});

describe('entry input', () => {
	it('title 1 to 200 characters, start before end, plain text with line breaks kept', () => {
		const start = Date.UTC(2026, 6, 4, 18);
		const base = { title: 'x', start, end: start + 60_000 };
		expect(entryCreateSchema.safeParse(base).success).toBe(true);
		// Whole minutes: schedule apps read times and durations to the minute.
		expect(entryCreateSchema.safeParse({ ...base, end: start + 90_000 }).success).toBe(false);
		expect(entryCreateSchema.safeParse({ ...base, start: start + 1 }).success).toBe(false);
		expect(entryCreateSchema.safeParse({ ...base, title: 'x'.repeat(201) }).success).toBe(false);
		expect(entryCreateSchema.safeParse({ ...base, end: start }).success).toBe(false);
		// A time in seconds, or 0, is a mistake rather than an entry in 1970.
		expect(entryCreateSchema.safeParse({ ...base, start: 0 }).success).toBe(false);
		expect(entryCreateSchema.safeParse({ ...base, start: start / 1000 }).success).toBe(false);
		const parsed = entryCreateSchema.parse({ ...base, description: 'a\r\nb\tc 👩‍💻' });
		expect(parsed.description).toBe('a\nb\tc 👩‍💻');
		expect(entryCreateSchema.safeParse({ ...base, description: 'a\u0000b' }).success).toBe(false);
		// Noncharacters: the exports are XML, which cannot carry U+FFFE or U+FFFF.
		for (const text of ['a\uFFFFb', 'a\uFFFEb', 'a\uFDD0b', 'a\u{1FFFF}b']) {
			const title = entryCreateSchema.safeParse({ ...base, title: text });
			expect(title.error?.issues[0].message, text).toBe('title must be valid text');
			expect(entryCreateSchema.safeParse({ ...base, description: text }).success, text).toBe(false);
		}
		expect(entryCreateSchema.safeParse({ ...base, description: 'x'.repeat(10_001) }).success).toBe(
			false
		);
	});
});
