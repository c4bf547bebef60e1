import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
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
import { jsonSchemaErrors, xsdErrors } from '../helpers/c3voc-schemas';

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

/*
 * How the apps that read frab files parse a duration (their own parsers, read in their
 * sources): null where the app fails or misreads. Giggity: java.time LocalTime "H:mm[:ss]"
 * (a time of day), plus hours and minutes. ConfClerk: QTime "hh:mm" (a time of day; anything
 * else is 0). EventFahrplan: split at ":", two parts hours and minutes, three parts days,
 * hours and minutes. pretalx-downstream: exactly two parts, hours and minutes.
 */
const minutesIn = (text: string) => (/^\d+$/.test(text) ? Number(text) : NaN);
const readers: Record<string, (duration: string) => number | null> = {
	giggity: (d) => {
		const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(d);
		if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
		return Number(m[1]) * 60 + Number(m[2]);
	},
	confclerk: (d) => {
		const m = /^(\d{2}):(\d{2})$/.exec(d);
		return m && Number(m[1]) <= 23 && Number(m[2]) <= 59 ? Number(m[1]) * 60 + Number(m[2]) : 0;
	},
	eventfahrplan: (d) => {
		const parts = d.split(':').map(minutesIn);
		if (parts.length === 2) return parts[0] * 60 + parts[1];
		if (parts.length === 3) return parts[0] * 1440 + parts[1] * 60 + parts[2];
		return null;
	},
	pretalxDownstream: (d) => {
		const parts = d.split(':').map(minutesIn);
		return parts.length === 2 ? parts[0] * 60 + parts[1] : null;
	}
};

describe('frabDuration', () => {
	it('is HH:MM to the nearest minute, and 23:59 at most', () => {
		expect(frabDuration(90 * 60_000)).toBe('01:30');
		expect(frabDuration(5 * 60_000)).toBe('00:05');
		expect(frabDuration(2 * 3_600_000 + 15 * 60_000 + 30_000)).toBe('02:16');
		expect(frabDuration(2 * 3_600_000 + 15 * 60_000 + 29_000)).toBe('02:15');
		expect(frabDuration(24 * 3_600_000)).toBe('23:59');
		expect(frabDuration(120 * 3_600_000)).toBe('23:59');
	});

	it('every checked app reads it as the entry`s length in minutes, up to 23:59 (model)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 60_000, max: 10 * 24 * 3_600_000 }), (ms) => {
				const written = frabDuration(ms);
				const minutes = Math.min(Math.round(ms / 60_000), 23 * 60 + 59);
				for (const [name, read] of Object.entries(readers)) {
					expect(read(written), `${name} reads ${written}`).toBe(minutes);
				}
			})
		);
	});
});

describe('the c3voc schemas', () => {
	const zones = [
		'Europe/Berlin',
		'UTC',
		'Asia/Kathmandu',
		'Pacific/Kiritimati',
		'America/St_Johns'
	];
	const entryArbitrary = fc.record({
		id: fc.string({ minLength: 1, maxLength: 12 }),
		title: fc.string({ minLength: 1, maxLength: 40 }),
		description: fc.string({ maxLength: 40 }),
		locationId: fc.constantFrom(null, 'l1', 'l2'),
		start: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
		// From a second to ten days; seconds too, as entries stored before they were refused.
		length: fc.oneof(
			fc.integer({ min: 1000, max: 3 * 3_600_000 }),
			fc.integer({ min: 24 * 3_600_000, max: 10 * 24 * 3_600_000 })
		)
	});

	it('both files of any schedule pass the XSD and the JSON schema (model)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(entryArbitrary, { selector: (e) => e.id, minLength: 1, maxLength: 6 }),
				fc.constantFrom(...zones),
				async (drafts, timeZone) => {
					const schedule: FrabSchedule = {
						name: 'Harbour Days',
						dayStartsAt: '00:00',
						timeZone,
						entries: drafts
							.map(({ length, ...entry }) => ({
								...entry,
								end: entry.start + length,
								visibility: 'public' as const
							}))
							.sort((a, b) => a.start - b.start),
						locations: [
							{ id: 'l1', name: 'Hall', description: '' },
							{ id: 'l2', name: 'Tent', description: '' }
						],
						changedAt: Date.UTC(2026, 0, 1),
						origin: 'https://example.org',
						now: Date.UTC(2026, 0, 1)
					};
					const model = frabModel(schedule);
					expect(await xsdErrors(buildFrabXml(model))).toEqual([]);
					expect(jsonSchemaErrors(JSON.parse(buildFrabJson(model)))).toEqual([]);
				}
			),
			{ numRuns: 8, endOnFailure: true }
		);
		// Each run starts libxml2 afresh: slow on a loaded machine, not stuck.
	}, 120_000);

	it('a zone stored before apps were asked for is left out rather than written unreadable', async () => {
		const model = frabModel({
			name: 'Harbour Days',
			dayStartsAt: '00:00',
			timeZone: 'Etc/GMT-14',
			entries: [],
			locations: [],
			changedAt: 0,
			origin: 'https://example.org',
			now: Date.UTC(2026, 0, 1)
		});
		expect(model.conference.timeZone).toBeNull();
		expect(await xsdErrors(buildFrabXml(model))).toEqual([]);
		expect(jsonSchemaErrors(JSON.parse(buildFrabJson(model)))).toEqual([]);
		expect(frabModel({ ...oneEntryZone('Asia/Katmandu') }).conference.timeZone).toBe(
			'Asia/Kathmandu'
		);
	});
});

const oneEntryZone = (timeZone: string): FrabSchedule => ({
	name: 'Harbour Days',
	dayStartsAt: '00:00',
	timeZone,
	entries: [],
	locations: [],
	changedAt: 0,
	origin: 'https://example.org',
	now: Date.UTC(2026, 0, 1)
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
