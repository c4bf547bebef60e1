import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ApiEntry } from '$lib/api';
import { isoWithOffset } from '$lib/schedule/zoned-time';
import { xmlAttribute, xmlCharacters, xmlText } from '$lib/server/feeds/xml-text';
import {
	acronymOf,
	entryGuid,
	eventNumbers,
	eventSlug,
	nameUuid,
	roomGuid,
	slugify
} from '$lib/server/schedule/frab-ids';
import { buildFrabJson } from '$lib/server/schedule/frab-json';
import { frabDuration, frabModel, type FrabSchedule } from '$lib/server/schedule/frab-model';
import { buildFrabXml } from '$lib/server/schedule/frab-xml';

/* The pure parts of the frab export: times with offsets, durations, names, ids, escaping. */

function oneEntry(entry: ApiEntry, name: string, locationName: string): FrabSchedule {
	return {
		name,
		timeZone: 'Europe/Berlin',
		dayStartsAt: '00:00',
		entries: [entry],
		locations: [{ id: entry.locationId ?? 'l1', name: locationName, description: '' }],
		changedAt: Date.UTC(2026, 6, 1),
		origin: 'https://example.org',
		now: Date.UTC(2026, 6, 1)
	};
}

describe('isoWithOffset', () => {
	it('writes the zone offset in force at the instant, on both sides of a change', () => {
		expect(isoWithOffset(Date.UTC(2026, 6, 4, 16, 30), 'Europe/Berlin')).toBe(
			'2026-07-04T18:30:00+02:00'
		);
		expect(isoWithOffset(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin')).toBe(
			'2026-10-25T02:30:00+02:00'
		);
		expect(isoWithOffset(Date.UTC(2026, 9, 25, 1, 30), 'Europe/Berlin')).toBe(
			'2026-10-25T02:30:00+01:00'
		);
		expect(isoWithOffset(Date.UTC(2026, 2, 29, 1, 0), 'Europe/Berlin')).toBe(
			'2026-03-29T03:00:00+02:00'
		);
	});

	it('handles half-hour and negative offsets, UTC, and keeps seconds', () => {
		expect(isoWithOffset(Date.UTC(2026, 0, 1, 0, 0, 7), 'Asia/Kolkata')).toBe(
			'2026-01-01T05:30:07+05:30'
		);
		expect(isoWithOffset(Date.UTC(2026, 0, 1, 12), 'America/St_Johns')).toBe(
			'2026-01-01T08:30:00-03:30'
		);
		expect(isoWithOffset(Date.UTC(2026, 0, 1, 12), 'UTC')).toBe('2026-01-01T12:00:00+00:00');
		for (const ms of [Date.UTC(2026, 9, 25, 0, 59, 59), Date.UTC(2026, 9, 25, 1, 0, 1)]) {
			expect(Date.parse(isoWithOffset(ms, 'Europe/Berlin'))).toBe(ms);
		}
	});
});

describe('frabDuration', () => {
	it('is HH:MM, with seconds only when some remain, and hours past 99 in full', () => {
		expect(frabDuration(90 * 60_000)).toBe('01:30');
		expect(frabDuration(5 * 60_000)).toBe('00:05');
		expect(frabDuration(2 * 3_600_000 + 15 * 60_000 + 30_000)).toBe('02:15:30');
		expect(frabDuration(120 * 3_600_000)).toBe('120:00');
	});
});

describe('names and ids', () => {
	it('makes slugs of ASCII letters and digits, and acronyms of at least four characters', () => {
		expect(slugify('Café Øst & Friends 2026!', 40)).toBe('cafe-st-friends-2026');
		expect(acronymOf('Harbour Days (demo)')).toBe('harbour_days_demo');
		expect(acronymOf('CCC')).toBe('tidewatch');
		expect(acronymOf('🎉')).toBe('tidewatch');
		expect(eventSlug('camp', 42, 'Q&A')).toBe('camp-42-entry');
		expect(eventSlug('camp', 42, 'Rope making, up close')).toBe('camp-42-rope-making-up-close');
	});

	it('derives version-5 UUIDs that stay the same and differ between names', () => {
		const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
		expect(nameUuid('x')).toMatch(uuid);
		expect(entryGuid('abc')).toBe(entryGuid('abc'));
		expect(entryGuid('abc')).not.toBe(entryGuid('abd'));
		expect(roomGuid('abc')).not.toBe(entryGuid('abc'));
		expect(roomGuid(null)).toMatch(uuid);
	});

	it('gives each entry a positive 31-bit number that does not depend on the others', () => {
		const alone = eventNumbers(['a']).get('a')!;
		const numbers = eventNumbers(['b', 'a', 'c']);
		expect(numbers.get('a')).toBe(alone);
		for (const n of numbers.values()) {
			expect(Number.isInteger(n) && n >= 1 && n < 2 ** 31).toBe(true);
		}
	});

	it('keeps numbers unique when two ids hash to the same number', () => {
		// Find two ids whose hashes meet (the birthday bound: some 60,000 tries).
		const seen = new Map<number, string>();
		let pair: [string, string] | undefined;
		for (let i = 0; !pair; i++) {
			const id = `id${i}`;
			const n = (createHash('sha256').update(id).digest().readUInt32BE(0) % 0x7fffffff) + 1;
			const other = seen.get(n);
			if (other) pair = [other, id];
			else seen.set(n, id);
		}
		const numbers = eventNumbers(pair);
		const [first, second] = [...pair].sort();
		expect(numbers.get(first)).toBe(eventNumbers([first]).get(first));
		expect(numbers.get(second)).not.toBe(numbers.get(first));
		expect(numbers.get(second)).toBe((numbers.get(first)! % 0x7fffffff) + 1);
	});
});

describe('XML text', () => {
	it('escapes markup in text and quotes and white space in attributes', () => {
		expect(xmlText(`a & <b> "c" 'd'\n`)).toBe(`a &amp; &lt;b&gt; "c" 'd'\n`);
		expect(xmlAttribute(`a & <b> "c" 'd'\n\t`)).toBe(
			'a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos;&#10;&#9;'
		);
	});

	it('drops what XML 1.0 cannot carry and keeps emoji', () => {
		expect(xmlCharacters('a\u0000b\u0008c\u000Bd\uFFFEe\uFFFFf')).toBe('abcdef');
		expect(xmlCharacters('tab\tline\nemoji 👩‍💻')).toBe('tab\tline\nemoji 👩‍💻');
		expect(xmlCharacters('lone \uD800 surrogate')).toBe('lone \uFFFD surrogate');
	});

	it('a document built from awkward text parses back to the same text', () => {
		const awkward = `<b> & "quotes" 'too' \u0001\uFFFF 🎉\nline`;
		const entry: ApiEntry = {
			id: 'e1',
			title: awkward,
			description: awkward,
			locationId: 'l1',
			start: Date.UTC(2026, 6, 4, 16),
			end: Date.UTC(2026, 6, 4, 17),
			visibility: 'public'
		};
		const xml = buildFrabXml(frabModel(oneEntry(entry, awkward, awkward)));
		expect(XMLValidator.validate(xml)).toBe(true);
		const clean = `<b> & "quotes" 'too'  🎉\nline`;
		const parsed = new XMLParser({
			ignoreAttributes: false,
			trimValues: false,
			// Without it fast-xml-parser leaves character references such as &#10; undecoded.
			htmlEntities: true
		}).parse(xml);
		const room = parsed.schedule.day.room;
		expect(parsed.schedule.conference.title).toBe(clean);
		expect(room['@_name']).toBe(clean);
		expect(room.event.title).toBe(clean);
		expect(room.event.description).toBe(clean);
	});
});

describe('frab JSON', () => {
	it('keys rooms by name without losing any: "__proto__" is a plain room, and two of one name share', () => {
		const entry = (id: string, locationId: string): ApiEntry => ({
			id,
			title: id,
			description: '',
			locationId,
			start: Date.UTC(2026, 6, 4, 16),
			end: Date.UTC(2026, 6, 4, 17),
			visibility: 'public'
		});
		const schedule: FrabSchedule = {
			...oneEntry(entry('e1', 'l1'), 'Fest', '__proto__'),
			entries: [entry('e1', 'l1'), entry('e2', 'l2'), entry('e3', 'l3')],
			locations: [
				{ id: 'l1', name: '__proto__', description: '' },
				{ id: 'l2', name: 'Twin', description: '' },
				{ id: 'l3', name: 'Twin', description: '' }
			]
		};
		const json = JSON.parse(buildFrabJson(frabModel(schedule)));
		const rooms = json.schedule.conference.days[0].rooms;
		expect(Object.keys(rooms).sort()).toEqual(['Twin', '__proto__']);
		expect(rooms['__proto__'].map((e: { title: string }) => e.title)).toEqual(['e1']);
		expect(rooms.Twin.map((e: { title: string }) => e.title)).toEqual(['e2', 'e3']);
		expect(json.schedule.conference.rooms).toHaveLength(3);
	});
});
