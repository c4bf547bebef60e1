import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, PageStore, type Kept } from '$lib/server/pages/kept-renders';
import { minuteOf } from '$lib/schedule/now-next';
import { matchesEtag, pageEtag, variantOf } from '$lib/server/pages/public-page-cache';

const page = (eventId: number, minute: number, bytes = 10): Kept => ({ eventId, minute, bytes });

describe('which page a request gets', () => {
	const minute = minuteOf(Date.UTC(2032, 6, 4, 10, 30));

	it('the kept page at the head and minute; otherwise a render, or the old page within the stale time while another request renders', () => {
		expect(decide(undefined, 5, minute + 10, 1000, true)).toBe('render');
		expect(decide(page(5, minute), 5, minute + 10, 1000, false)).toBe('hit');
		// An event after the page: stale from its announcement.
		const behind = { ...page(5, minute), staleSince: minute + 100 };
		expect(decide(behind, 6, minute + 500, 1000, false)).toBe('render');
		expect(decide(behind, 6, minute + 500, 1000, true)).toBe('stale');
		expect(decide(behind, 6, minute + 1100, 1000, true)).toBe('render');
		expect(decide(behind, 6, minute + 500, 0, true)).toBe('render');
		// Not yet announced: as new as the request.
		expect(decide(page(5, minute), 6, minute + 500, 1000, true)).toBe('stale');
		// The minute turned: stale from its start.
		expect(decide(page(5, minute), 5, minute + 60_500, 1000, true)).toBe('stale');
		expect(decide(page(5, minute), 5, minute + 61_000, 1000, true)).toBe('render');
	});

	it('never serves a page more than the stale time after the event or minute that outdated it', () => {
		fc.assert(
			fc.property(
				fc.nat(10),
				fc.nat(10),
				fc.nat(3 * 60_000),
				fc.option(fc.nat(3 * 60_000), { nil: undefined }),
				fc.nat(1000),
				fc.boolean(),
				(eventId, head, later, announcedAfter, staleMs, rendering) => {
					const kept = { ...page(eventId, minute), staleSince: undefined as number | undefined };
					if (announcedAfter !== undefined && eventId < head)
						kept.staleSince = minute + Math.min(announcedAfter, later);
					const now = minute + later;
					const how = decide(kept, head, now, staleMs, rendering);
					const current = eventId >= head && minuteOf(now) === minute;
					if (how === 'hit') expect(current).toBe(true);
					if (how === 'stale') {
						expect(rendering).toBe(true);
						if (eventId < head && kept.staleSince !== undefined)
							expect(now - kept.staleSince).toBeLessThan(staleMs);
						if (minuteOf(now) !== minute) expect(now - (minute + 60_000)).toBeLessThan(staleMs);
					}
				}
			)
		);
	});
});

describe('variants and validators', () => {
	it('a variant is the path and the three parameters the page reads', () => {
		const base = 'http://localhost';
		expect(variantOf(new URL('/', base))).toBe('/?location=&by=&view=');
		expect(variantOf(new URL('/?utm=1&by=location', base))).toBe('/?location=&by=location&view=');
		expect(variantOf(new URL('/?by=junk&location=hall', base))).toBe('/?location=hall&by=&view=');
		expect(variantOf(new URL('/days/2032-07-04', base))).toBe(
			'/days/2032-07-04?location=&by=&view='
		);
		expect(variantOf(new URL('/days/2032-07-04?view=grid', base))).toBe(
			'/days/2032-07-04?location=&by=&view=grid'
		);
		expect(variantOf(new URL('/days/2032-07-04?view=junk', base))).toBe(
			'/days/2032-07-04?location=&by=&view='
		);
		for (const path of ['/days/', '/days/2032-07-04/x', '/my', '/entries/1', '/__data.json'])
			expect(variantOf(new URL(path, base)), path).toBeNull();
	});

	it('If-None-Match matches weakly, in a list, or as *', () => {
		const tag = pageEtag('/?location=&by=', 7, 60_000);
		expect(tag).toMatch(/^W\/"p7-/);
		expect(matchesEtag(tag, tag)).toBe(true);
		expect(matchesEtag(tag.slice(2), tag)).toBe(true);
		expect(matchesEtag(`"other", ${tag}`, tag)).toBe(true);
		expect(matchesEtag('*', tag)).toBe(true);
		expect(matchesEtag(null, tag)).toBe(false);
		expect(matchesEtag(pageEtag('/?location=&by=', 8, 60_000), tag)).toBe(false);
		expect(pageEtag('/days/2032-07-04?location=&by=', 7, 60_000)).not.toBe(tag);
	});
});

describe('the store', () => {
	it('holds at most its bytes, however many variants are asked for, and keeps the recently used', () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ variant: fc.nat(50), bytes: fc.integer({ min: 1, max: 400 }) }), {
					maxLength: 200
				}),
				(puts) => {
					const store = new PageStore(1000);
					for (const { variant, bytes } of puts) {
						store.set(String(variant), page(1, 0, bytes));
						expect(store.bytesHeld).toBeLessThanOrEqual(1000);
						// What was just put in is kept: the least recently used go first.
						expect(store.get(String(variant))).toBeDefined();
					}
				}
			)
		);
	});
});
