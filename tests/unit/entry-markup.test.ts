import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ListedEntry } from '$lib/api';
import { entryMarkup, type EntryListing } from '$lib/client/ui/entry-markup';

const entry = (title: string): ListedEntry => ({
	id: 'e1',
	title,
	start: Date.UTC(2026, 6, 4, 16, 30),
	end: Date.UTC(2026, 6, 4, 17, 0),
	locationId: 'l1',
	visibility: 'public'
});
const listing = (locationName: string | null): EntryListing => ({
	timeZone: 'Europe/Berlin',
	now: 0,
	locationName,
	interested: false,
	anchor: true,
	sameDay: [0, Number.MAX_SAFE_INTEGER]
});
const unescape = (text: string) =>
	text.replaceAll('&lt;', '<').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

describe('an entry written as HTML', () => {
	it('no title or location name adds a tag or leaves its text (property)', () => {
		const plain = entryMarkup(entry('Talk'), listing('Hall'));
		const tags = (html: string) => html.match(/<[a-z/]/g)?.length;
		fc.assert(
			fc.property(fc.string(), fc.string({ minLength: 1 }), (title, place) => {
				const html = entryMarkup(entry(title), listing(place));
				expect(tags(html)).toBe(tags(plain));
				const link = /<a id="entry-e1" href="[^"]*">([^<]*)<\/a>/.exec(html);
				expect(unescape(link![1])).toBe(title);
				const where = /<span class="w">([^<]*)<\/span>/.exec(html);
				expect(unescape(where![1])).toBe(place);
			}),
			{ numRuns: 500 }
		);
	});

	it('writes the times in the zone, and the weekday only outside the day it is listed under', () => {
		const html = entryMarkup(entry('Talk'), listing(null));
		expect(html).toContain('<time datetime="2026-07-04T16:30Z">18:30</time>');
		expect(html).not.toContain('entry-day');
		const elsewhere = entryMarkup(entry('Talk'), { ...listing(null), sameDay: [0, 1] });
		expect(elsewhere).toContain('<span class="d" data-testid="entry-day">Sat</span>');
	});
});
