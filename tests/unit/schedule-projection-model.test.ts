import { closeStorage } from '$lib/server/storage';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLevel, Visibility } from '$lib/api';
import { applyEntryEvent, type HeldEntry } from '$lib/client/stores/entries';
import { modelRuns, readRecords, resetStorage, subscribeEvents } from '../helpers/storage';
import { change } from '$lib/server/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { createSession } from '$lib/server/auth/session-start';
import { createEntry, deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import type { ServerSession } from '$lib/server/types';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/*
 * A model of open pages (docs/api.md): each viewer holds what its page data gave it, then
 * applies the stream's events projected for its level, as the browser's entries store does.
 * A viewer whose level changes reloads its page data (the stream closes with access-changed).
 * After every step, each viewer's store must equal what GET /api/entries answers its level.
 */

const base = Date.UTC(2026, 6, 4, 10);
const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];
const visibility = fc.constantFrom<Visibility>('public', 'crew', 'draft');

type Step =
	| { kind: 'create'; visibility: Visibility; start: number }
	| { kind: 'visibility'; entry: number; visibility: Visibility }
	| { kind: 'edit'; entry: number; title: string }
	| { kind: 'delete'; entry: number }
	| { kind: 'level'; viewer: number; level: AccessLevel };

const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ kind: fc.constant('create' as const), visibility, start: fc.nat(50) }),
	{
		arbitrary: fc.record({ kind: fc.constant('visibility' as const), entry: fc.nat(), visibility }),
		weight: 4
	},
	fc.record({
		kind: fc.constant('edit' as const),
		entry: fc.nat(),
		title: fc
			.string({ minLength: 1, maxLength: 5 })
			.filter((t) => t.trim().length > 0 && !/[\p{Cc}\p{Cf}]/u.test(t))
	}),
	fc.record({ kind: fc.constant('delete' as const), entry: fc.nat() }),
	{
		arbitrary: fc.record({
			kind: fc.constant('level' as const),
			viewer: fc.nat(levels.length - 1),
			level: fc.constantFrom(...levels)
		}),
		weight: 2
	}
);

let admin: ServerSession;
let heard: StoredEvent[] = [];
let stop = () => {};

beforeAll(async () => {
	await resetStorage();
	stop = subscribeEvents((event) => heard.push(event));
	admin = await change(async (tx) => {
		const id = generateUserId();
		await tx.users.insert(
			{ id, name: 'Model admin', type: 'admin', createdAt: tx.now, lastSeenAt: tx.now },
			'x'
		);
		return (await createSession(tx, { userId: id, userAgent: 'model' })).session;
	});
});
afterAll(async () => {
	stop();
	await closeStorage();
});

interface Viewer {
	level: AccessLevel;
	entries: HeldEntry[];
}

describe('visibility transitions, as a model of open pages of every level', () => {
	it('after every change, each viewer’s live entries equal what its level’s GET /api/entries answers', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
				for (const { id } of await readRecords((r) => visibleEntries(r, 'admin')))
					await deleteEntry(admin, id);
				const viewers: Viewer[] = [];
				for (const level of levels) {
					viewers.push({ level, entries: await readRecords((r) => visibleEntries(r, level)) });
				}
				for (const s of steps) {
					heard = [];
					const ids = (await readRecords((r) => visibleEntries(r, 'admin'))).map((e) => e.id);
					const pick = (n: number) => ids[n % ids.length];
					if (s.kind === 'create') {
						await createEntry(admin, {
							title: 'new',
							start: base + s.start * 60_000,
							end: base + (s.start + 30) * 60_000,
							visibility: s.visibility
						});
					} else if (s.kind === 'level') {
						// The page reloads its data for the new level.
						viewers[s.viewer] = {
							level: s.level,
							entries: await readRecords((r) => visibleEntries(r, s.level))
						};
					} else if (ids.length) {
						if (s.kind === 'visibility')
							await updateEntry(admin, pick(s.entry), { visibility: s.visibility });
						if (s.kind === 'edit') await updateEntry(admin, pick(s.entry), { title: s.title });
						if (s.kind === 'delete') await deleteEntry(admin, pick(s.entry));
					}
					for (const viewer of viewers) {
						for (const event of heard) {
							const seen = projectEvent(event, { level: viewer.level, userId: null });
							if (seen) viewer.entries = applyEntryEvent(viewer.entries, seen);
						}
						expect(viewer.entries).toEqual(
							await readRecords((r) => visibleEntries(r, viewer.level))
						);
					}
				}
			}),
			{ numRuns: modelRuns(150, 40) }
		);
		// A few seconds alone, more on a loaded machine: the default 5 s is not what it tests.
	}, 60_000);
});
