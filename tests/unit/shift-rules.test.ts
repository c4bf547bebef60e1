import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiShift } from '$lib/api';
import { shiftCreateSchema, shiftPatchSchema } from '$lib/api';
import { applyInterestEvent } from '$lib/client/stores/interests';
import { applyShiftEvent } from '$lib/client/stores/shifts';
import {
	capacityProblem,
	crewOverlaps,
	decideLeave,
	decideSignup,
	findClashes,
	freePlaces,
	overlaps
} from '$lib/schedule/shift-rules';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import type { ServerEntry } from '$lib/server/types';

const hour = 3_600_000;
const t0 = Date.UTC(2030, 6, 4, 8);
const now = t0 - 24 * hour;

const shift = (
	id: string,
	start: number,
	end: number,
	fields: Partial<ApiShift> = {}
): ApiShift => ({
	id,
	role: id,
	locationId: null,
	start,
	end,
	needed: 2,
	crewIds: [],
	notes: '',
	...fields
});

describe('capacity and overlap rules', () => {
	it('two spans overlap when each starts before the other ends; touching is no overlap', () => {
		expect(overlaps({ start: 0, end: 10 }, { start: 5, end: 15 })).toBe(true);
		expect(overlaps({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(false);
		expect(overlaps({ start: 0, end: 10 }, { start: 2, end: 3 })).toBe(true);
		expect(overlaps({ start: 5, end: 6 }, { start: 0, end: 5 })).toBe(false);
	});

	it('overlap is symmetric and agrees with "some instant lies in both"', () => {
		const span = fc
			.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 }))
			.map(([start, length]) => ({ start, end: start + length }));
		fc.assert(
			fc.property(span, span, (a, b) => {
				let shared = false;
				for (let t = 0; t < 61; t++)
					if (a.start <= t && t < a.end && b.start <= t && t < b.end) shared = true;
				expect(overlaps(a, b)).toBe(shared);
				expect(overlaps(b, a)).toBe(overlaps(a, b));
			})
		);
	});

	it('a shift holds at most `needed` crew; free places never go below zero', () => {
		expect(capacityProblem(3, 3)).toBeNull();
		expect(capacityProblem(3, 0)).toBeNull();
		expect(capacityProblem(2, 3)).toBe('3 crew for 2 places: the shift would be over capacity');
		expect(capacityProblem(1, 2)).toMatch(/1 place:/);
		expect(freePlaces({ needed: 3, crewIds: ['a'] })).toBe(2);
		expect(freePlaces({ needed: 1, crewIds: ['a', 'b'] })).toBe(0);
	});

	it('sign-up: a held place changes nothing, then over, then full, then an overlap with a held shift', () => {
		const s = shift('s', t0, t0 + 2 * hour, { needed: 1 });
		const other = shift('o', t0 + hour, t0 + 3 * hour);
		const after = shift('a', t0 + 2 * hour, t0 + 3 * hour);
		expect(decideSignup(s, [], 'u', now)).toEqual({ kind: 'take' });
		expect(decideSignup({ ...s, crewIds: ['u'] }, [], 'u', now)).toEqual({ kind: 'held' });
		expect(decideSignup({ ...s, crewIds: ['v'] }, [], 'u', now)).toEqual({ kind: 'full' });
		expect(decideSignup(s, [other], 'u', now)).toEqual({ kind: 'overlap', with: other });
		// One that ends as this one starts is no clash; nor is the shift itself in the held list.
		expect(decideSignup(s, [after, s], 'u', now)).toEqual({ kind: 'take' });
		expect(decideSignup(s, [], 'u', s.end)).toEqual({ kind: 'over' });
		// Running but not over: a late helper may still join.
		expect(decideSignup(s, [], 'u', s.start + 1)).toEqual({ kind: 'take' });
		expect(decideSignup({ ...s, crewIds: ['v'] }, [other], 'u', s.end)).toEqual({ kind: 'over' });
	});

	it('leaving: only a held place, and only until the shift is over', () => {
		const s = shift('s', t0, t0 + hour, { crewIds: ['u'] });
		expect(decideLeave(s, 'u', now)).toBe('leave');
		expect(decideLeave(s, 'v', now)).toBe('not-held');
		expect(decideLeave(s, 'u', s.end)).toBe('over');
	});

	it('a sign-up the rules allow never leaves a shift over capacity nor its taker in two shifts at once', () => {
		const arbitraryShift = fc
			.record({
				start: fc.integer({ min: 0, max: 20 }),
				length: fc.integer({ min: 1, max: 6 }),
				needed: fc.integer({ min: 1, max: 3 }),
				crew: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'u'), { maxLength: 4 })
			})
			.map((r) =>
				shift('s', t0 + r.start * hour, t0 + (r.start + r.length) * hour, {
					needed: r.needed,
					crewIds: r.crew.slice(0, r.needed)
				})
			);
		fc.assert(
			fc.property(arbitraryShift, fc.array(arbitraryShift, { maxLength: 4 }), (target, held) => {
				const mine = held
					.map((h, i) => ({ ...h, id: `h${i}` }))
					.filter((h) => !findClashes(held.map((x, i) => ({ ...x, id: `h${i}` }))).has(h.id));
				const decision = decideSignup(target, mine, 'u', now);
				if (decision.kind !== 'take') return;
				const after = [...target.crewIds, 'u'];
				expect(after.length).toBeLessThanOrEqual(target.needed);
				expect(capacityProblem(target.needed, after.length)).toBeNull();
				expect(mine.some((h) => overlaps(h, target))).toBe(false);
			})
		);
	});
});

describe('clashes and overlap marks', () => {
	it('every pair of overlapping items is marked both ways, wherever they are', () => {
		const items = [
			{ id: 'a', start: 0, end: 10 },
			{ id: 'b', start: 5, end: 15 },
			{ id: 'c', start: 15, end: 20 },
			{ id: 'd', start: 1, end: 2 }
		];
		const clashes = findClashes(items);
		expect(clashes.get('a')?.sort()).toEqual(['b', 'd']);
		expect(clashes.get('b')).toEqual(['a']);
		expect(clashes.get('d')).toEqual(['a']);
		expect(clashes.has('c')).toBe(false);
	});

	it('findClashes finds exactly the overlapping pairs (checked against every pair)', () => {
		const item = fc
			.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 10 }))
			.map(([start, length]) => ({ start, end: start + length }));
		fc.assert(
			fc.property(fc.array(item, { maxLength: 12 }), (spans) => {
				const items = spans.map((s, i) => ({ ...s, id: `i${i}` }));
				const clashes = findClashes(items);
				for (const a of items) {
					const expected = items.filter((b) => b !== a && overlaps(a, b)).map((b) => b.id);
					expect([...(clashes.get(a.id) ?? [])].sort()).toEqual(expected.sort());
				}
			})
		);
	});

	it('the admin page marks a crew member on two shifts at once, on both shifts', () => {
		const marks = crewOverlaps([
			shift('early', t0, t0 + 2 * hour, { crewIds: ['u', 'v'] }),
			shift('late', t0 + hour, t0 + 3 * hour, { crewIds: ['u'] }),
			shift('next', t0 + 3 * hour, t0 + 4 * hour, { crewIds: ['u', 'v'] })
		]);
		expect(marks.get('early')).toEqual(new Map([['u', ['late']]]));
		expect(marks.get('late')).toEqual(new Map([['u', ['early']]]));
		expect(marks.has('next')).toBe(false);
	});
});

describe('shift input', () => {
	const good = { role: 'Bar', start: t0, end: t0 + hour, needed: 2 };
	it('needs a role, start < end and 1 to 500 places; crewIds without repeats', () => {
		expect(shiftCreateSchema.safeParse(good).success).toBe(true);
		for (const bad of [
			{ ...good, role: '' },
			{ ...good, end: t0 },
			{ ...good, needed: 0 },
			{ ...good, needed: 501 },
			{ ...good, needed: 1.5 },
			{ ...good, crewIds: ['a', 'a'] },
			{ ...good, crewIds: 'a' },
			{ ...good, extra: 1 }
		]) {
			expect(shiftCreateSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
		expect(shiftPatchSchema.safeParse({}).success).toBe(false);
		expect(shiftPatchSchema.safeParse({ crewIds: [] }).success).toBe(true);
	});
});

describe('projection and stores', () => {
	const stored = (payload: Omit<StoredEvent, 'id' | 'createdAt'>) =>
		({ ...payload, id: 7, createdAt: 1 }) as StoredEvent;
	const levels = ['public', 'regular', 'crew', 'admin'] as const;

	it('shift events reach crew and admins only: the public and regular users never receive one', () => {
		const update = stored({ type: 'shift-update', data: shift('s', t0, t0 + hour) });
		const remove = stored({ type: 'shift-delete', data: { id: 's' } });
		for (const level of levels) {
			const sees = level === 'crew' || level === 'admin';
			for (const event of [update, remove]) {
				const seen = projectEvent(event, { level, userId: 'u' });
				expect(seen, `${event.type} to ${level}`).toEqual(
					sees ? { type: event.type, data: event.data } : null
				);
			}
		}
	});

	it('interest-update reaches only its user, without the user id; its count only crew and admins', () => {
		const mark = stored({
			type: 'interest-update',
			data: { userId: 'u', entryId: 'e', interested: true }
		});
		for (const level of levels) {
			expect(projectEvent(mark, { level, userId: 'u' })).toEqual({
				type: 'interest-update',
				data: { entryId: 'e', interested: true }
			});
			expect(projectEvent(mark, { level, userId: 'v' })).toBeNull();
			expect(projectEvent(mark, { level, userId: null })).toBeNull();
		}
		const entry: ServerEntry = {
			id: 'e',
			title: 'Talk',
			description: '',
			locationId: null,
			start: t0,
			end: t0 + hour,
			visibility: 'public',
			crewNotes: 'n',
			createdAt: 1,
			updatedAt: 1,
			revision: 0,
			calendarRevision: 0,
			calendarChangedAt: 0,
			interestedCount: 3
		};
		// The count as stored now, and as an earlier version stored it (the whole entry).
		for (const data of [{ id: 'e', interestedCount: 3, visibility: 'public' as const }, entry]) {
			const count = stored({ type: 'entry-interest-count', data });
			expect(projectEvent(count, { level: 'public', userId: null })).toBeNull();
			expect(projectEvent(count, { level: 'regular', userId: 'u' })).toBeNull();
			for (const level of ['crew', 'admin'] as const) {
				expect(projectEvent(count, { level, userId: 'u' })).toEqual({
					type: 'entry-interest-count',
					data: { id: 'e', interestedCount: 3 }
				});
			}
			// A draft's count is for admins only: crew never hear of the draft.
			const draft = stored({
				type: 'entry-interest-count',
				data: { ...data, visibility: 'draft' }
			});
			expect(projectEvent(draft, { level: 'crew', userId: 'u' })).toBeNull();
			expect(projectEvent(draft, { level: 'admin', userId: 'u' })?.type).toBe(
				'entry-interest-count'
			);
		}
	});

	it('the shifts store replaces a shift whole and keeps time order; the interests store follows marks', () => {
		const a = shift('a', t0 + hour, t0 + 2 * hour);
		const b = shift('b', t0, t0 + hour);
		let list = applyShiftEvent([a], { type: 'shift-update', data: b });
		expect(list.map((s) => s.id)).toEqual(['b', 'a']);
		list = applyShiftEvent(list, { type: 'shift-update', data: { ...a, crewIds: ['u'] } });
		expect(list[1].crewIds).toEqual(['u']);
		expect(applyShiftEvent(list, { type: 'shift-delete', data: { id: 'b' } })).toEqual([
			{ ...a, crewIds: ['u'] }
		]);
		let marks = applyInterestEvent([], {
			type: 'interest-update',
			data: { entryId: 'e', interested: true }
		});
		marks = applyInterestEvent(marks, {
			type: 'interest-update',
			data: { entryId: 'e', interested: true }
		});
		expect(marks).toEqual(['e']);
		expect(
			applyInterestEvent(marks, {
				type: 'interest-update',
				data: { entryId: 'e', interested: false }
			})
		).toEqual([]);
	});
});
