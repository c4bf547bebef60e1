import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	changedIn,
	isChanged,
	nextVisit,
	noteEntryEvent,
	visitGap,
	type Visit
} from '$lib/client/schedule-changes';

/*
 * "Changed since your last visit": the cursor a browser keeps. A visit marks what changed after
 * everything the previous visit showed, and nothing from before a first visit.
 */

describe('the visit cursor', () => {
	it('marks nothing on a first visit, then what changed after the last visit showed', () => {
		const first = nextVisit(null, 10, 0);
		expect(first).toEqual({ since: 10, seen: 10, at: 0 });
		expect(isChanged({ a: 10 }, first.since, 'a')).toBe(false);
		const same = nextVisit(first, 14, visitGap);
		expect(same.since).toBe(10);
		const next = nextVisit(same, 20, same.at + visitGap + 1);
		expect(next).toEqual({ since: 14, seen: 20, at: same.at + visitGap + 1 });
		expect(isChanged({ a: 15, b: 14 }, next.since, 'a')).toBe(true);
		expect(isChanged({ a: 15, b: 14 }, next.since, 'b')).toBe(false);
	});

	it('never moves back, and a visit never marks what it was shown before it began', () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ head: fc.nat(1000), away: fc.nat(2 * visitGap) }), { minLength: 1 }),
				(loads) => {
					let visit: Visit | null = null;
					let at = 0;
					let shownBefore = 0;
					for (const { head, away } of loads) {
						at += away;
						const next: Visit = nextVisit(visit, head, at);
						expect(next.seen).toBeGreaterThanOrEqual(visit?.seen ?? 0);
						expect(next.since).toBeLessThanOrEqual(next.seen);
						if (visit && away > visitGap) expect(next.since).toBe(visit.seen);
						if (visit && away <= visitGap) expect(next.since).toBe(visit.since);
						if (!visit || away > visitGap) shownBefore = visit?.seen ?? head;
						expect(next.since).toBe(shownBefore);
						visit = next;
					}
				}
			)
		);
	});
});

describe('a change noted from the stream', () => {
	const listed = {
		id: 'e1',
		title: 'Talk',
		locationId: null,
		start: 1,
		end: 2,
		visibility: 'public' as const
	};
	const changedNow = () => {
		let marks: Record<string, number> = {};
		changedIn.subscribe((value) => (marks = value))();
		return marks;
	};

	it('marks what the lists show changing, never the description an event carries besides', () => {
		changedIn.set({});
		const update = (data: object) => ({
			type: 'entry-update' as const,
			data: { ...listed, description: 'Long text', ...data }
		});
		noteEntryEvent(5, update({}), listed, false, new Map(), 'UTC');
		expect(changedNow()).toEqual({});
		noteEntryEvent(6, update({ start: 0 }), listed, false, new Map(), 'UTC');
		expect(changedNow()).toEqual({ e1: 6 });
		noteEntryEvent(
			7,
			{ type: 'entry-delete', data: { id: 'e2' } },
			undefined,
			false,
			new Map(),
			'UTC'
		);
		expect(changedNow()).toEqual({ e1: 6 });
	});
});
