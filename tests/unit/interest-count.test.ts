import { describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEntry } from '$lib/api';
import { applyEntryEvent } from '$lib/client/stores/entries';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import type { ServerEntry } from '$lib/server/types';

const t0 = Date.UTC(2031, 6, 3, 10);
const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];
const viewer = (level: AccessLevel) => ({ level, userId: level === 'public' ? null : 'u' });

/** How an earlier version stored the count: the whole entry, long text included. */
const oldShape = (visibility: ServerEntry['visibility']): ServerEntry => ({
	id: 'e',
	title: 'Talk',
	description: 'd'.repeat(10_000),
	locationId: null,
	start: t0,
	end: t0 + 3_600_000,
	visibility,
	crewNotes: 'n'.repeat(10_000),
	createdAt: 1,
	updatedAt: 1,
	revision: 0,
	calendarRevision: 0,
	calendarChangedAt: 0,
	interestedCount: 4
});
const stored = (data: StoredEvent['data']) =>
	({ type: 'entry-interest-count', data, id: 9, createdAt: 1 }) as StoredEvent;

describe('the interested count travels as a small event', () => {
	for (const [shape, data] of [
		[
			'as stored now',
			(visibility: ServerEntry['visibility']) => ({ id: 'e', interestedCount: 4, visibility })
		],
		['as an earlier version stored it', oldShape]
	] as const) {
		it(`crew and admins who may see the entry get the count alone; nobody else gets anything (${shape})`, () => {
			const seen = (visibility: ServerEntry['visibility'], level: AccessLevel) =>
				projectEvent(stored(data(visibility)), viewer(level));
			for (const level of levels) {
				const sees = level === 'crew' || level === 'admin';
				expect(seen('public', level), level).toEqual(
					sees ? { type: 'entry-interest-count', data: { id: 'e', interestedCount: 4 } } : null
				);
				expect(seen('crew', level), level).toEqual(seen('public', level));
			}
			// A draft is for admins only: crew may not see it, so they never hear its count.
			expect(seen('draft', 'crew')).toBeNull();
			expect(seen('draft', 'admin')?.type).toBe('entry-interest-count');
		});
	}

	it('the entries store sets the count on the entry it holds and ignores one it does not hold', () => {
		const entry: ApiEntry = {
			id: 'e',
			title: 'Talk',
			description: '',
			locationId: null,
			start: t0,
			end: t0 + 3_600_000,
			visibility: 'public',
			crewNotes: '',
			interestedCount: 1
		};
		const other = { ...entry, id: 'f', start: t0 + 1 };
		const held = [entry, other];
		expect(
			applyEntryEvent(held, { type: 'entry-interest-count', data: { id: 'e', interestedCount: 2 } })
		).toEqual([{ ...entry, interestedCount: 2 }, other]);
		const unheld = { type: 'entry-interest-count' as const, data: { id: 'x', interestedCount: 5 } };
		expect(applyEntryEvent(held, unheld)).toBe(held);
		// An event type this page does not know changes nothing either.
		expect(applyEntryEvent(held, { type: 'something-new', data: {} } as never)).toBe(held);
	});
});
