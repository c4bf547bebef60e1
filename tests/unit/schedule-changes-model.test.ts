import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiScheduleChange, Visibility } from '$lib/api';
import { createSession } from '$lib/server/auth/session-start';
import { newRecordId } from '$lib/server/record-id';
import { createEntry, deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { createLocation, updateLocation } from '$lib/server/schedule/locations';
import { change, closeStorage } from '$lib/server/storage';
import type { ServerSession } from '$lib/server/types';
import { modelRuns, readRecords, resetStorage } from '../helpers/storage';

/*
 * A model of a visitor who follows the schedule only through its changes (/changes, the
 * feed): starting from nothing, they apply each change, checking that its "from" is what they
 * held. After every admin action, what they hold must equal what the public sees now, and an
 * action records a change exactly when it changed what the public sees.
 */

const base = Date.UTC(2031, 6, 4, 10);
const minute = 60_000;

type Step =
	| { kind: 'create'; visibility: Visibility; at: number; location: number | null }
	| { kind: 'visibility'; entry: number; visibility: Visibility }
	| { kind: 'title'; entry: number; title: string }
	| { kind: 'move'; entry: number; at: number }
	| { kind: 'relocate'; entry: number; location: number | null }
	| { kind: 'describe'; entry: number; text: string }
	| { kind: 'crew-notes'; entry: number; text: string }
	| { kind: 'delete'; entry: number }
	| { kind: 'rename'; location: number; name: string };

const visibility = fc.constantFrom<Visibility>('public', 'crew', 'draft');
const location = fc.option(fc.nat(2), { nil: null });
const word = fc.constantFrom('a', 'b', 'c');
const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ kind: fc.constant('create' as const), visibility, at: fc.nat(4), location }),
	fc.record({ kind: fc.constant('visibility' as const), entry: fc.nat(), visibility }),
	fc.record({ kind: fc.constant('title' as const), entry: fc.nat(), title: word }),
	fc.record({ kind: fc.constant('move' as const), entry: fc.nat(), at: fc.nat(4) }),
	fc.record({ kind: fc.constant('relocate' as const), entry: fc.nat(), location }),
	fc.record({ kind: fc.constant('describe' as const), entry: fc.nat(), text: word }),
	fc.record({ kind: fc.constant('crew-notes' as const), entry: fc.nat(), text: word }),
	fc.record({ kind: fc.constant('delete' as const), entry: fc.nat() }),
	fc.record({ kind: fc.constant('rename' as const), location: fc.nat(2), name: word })
);

interface Seen {
	title: string;
	description: string;
	start: number;
	end: number;
	location: string | null;
}

/** What the public sees now, from the records. */
async function publicNow(): Promise<Map<string, Seen>> {
	return readRecords(async (records) => {
		const names = new Map((await records.locations.list()).map((l) => [l.id, l.name]));
		return new Map(
			(await records.entries.list(['public'])).map((entry) => [
				entry.id,
				{
					title: entry.title,
					description: entry.description,
					start: entry.start,
					end: entry.end,
					location: entry.locationId === null ? null : names.get(entry.locationId)!
				}
			])
		);
	});
}

/** Applies one change as the visitor would, checking each "from" against what they held. */
function follow(held: Map<string, Seen>, change: ApiScheduleChange) {
	for (const part of change.what) {
		if (part.kind === 'location-renamed') {
			for (const seen of held.values()) if (seen.location === part.from) seen.location = part.to;
			continue;
		}
		const id = change.entryId!;
		const seen = held.get(id);
		if (part.kind === 'new') {
			expect(seen).toBeUndefined();
			held.set(id, {
				title: change.title,
				description: '?',
				start: change.start!,
				end: change.end!,
				location: change.location
			});
			continue;
		}
		expect(seen, `a ${part.kind} of an entry never announced`).toBeDefined();
		if (part.kind === 'cancelled') held.delete(id);
		if (part.kind === 'moved') {
			expect(part.from).toEqual({ start: seen!.start, end: seen!.end });
			Object.assign(seen!, part.to);
		}
		if (part.kind === 'location-changed') {
			expect(part.from).toBe(seen!.location);
			seen!.location = part.to;
		}
		if (part.kind === 'retitled') {
			expect(part.from).toBe(seen!.title);
			seen!.title = part.to;
		}
	}
	const now = held.get(change.entryId ?? '');
	if (now)
		expect([now.title, now.start, now.end, now.location]).toEqual([
			change.title,
			change.start,
			change.end,
			change.location
		]);
}

let admin: ServerSession;

beforeAll(async () => {
	await resetStorage();
	admin = await change(async (tx) => {
		const id = newRecordId();
		await tx.users.insert(
			{ id, name: 'Model admin', type: 'admin', createdAt: tx.now, lastSeenAt: tx.now },
			'x'
		);
		return (await createSession(tx, { userId: id, userAgent: 'model' })).session;
	});
});
afterAll(() => closeStorage());

describe('the schedule’s changes, as a visitor who follows only them', () => {
	it('rebuild what the public sees, and are recorded exactly when it changed', async () => {
		let run = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
				run++;
				const locations: string[] = [];
				for (const name of ['x', 'y', 'z']) {
					locations.push((await createLocation(admin, { name: `${name}${run}` })).id);
				}
				const ids: string[] = [];
				const held = await publicNow();
				const last = async () =>
					(await readRecords((r) => r.scheduleChanges.list({ limit: 1 })))[0]?.id ?? 0;
				let cursor = await last();
				for (const s of steps) {
					const before = await publicNow();
					const pick = (n: number) => ids[n % ids.length];
					const at = (n: number) => ({
						start: base + n * 30 * minute,
						end: base + (n + 1) * 30 * minute
					});
					const place = (n: number | null) => (n === null ? null : locations[n]);
					let renamed = false;
					if (s.kind === 'create') {
						const entry = await createEntry(admin, {
							title: 'new',
							...at(s.at),
							visibility: s.visibility,
							locationId: place(s.location)
						});
						ids.push(entry.id);
					} else if (s.kind === 'rename') {
						const name = `${s.name}${run}-${s.location}`;
						const old = (await readRecords((r) => r.locations.find(locations[s.location])))!.name;
						await updateLocation(admin, locations[s.location], { name });
						renamed = old !== name;
					} else if (ids.length) {
						const id = pick(s.entry);
						const exists = await readRecords((r) => r.entries.find(id));
						if (!exists) continue;
						if (s.kind === 'visibility') await updateEntry(admin, id, { visibility: s.visibility });
						if (s.kind === 'title') await updateEntry(admin, id, { title: s.title });
						if (s.kind === 'move') await updateEntry(admin, id, at(s.at));
						if (s.kind === 'relocate')
							await updateEntry(admin, id, { locationId: place(s.location) });
						if (s.kind === 'describe') await updateEntry(admin, id, { description: s.text });
						if (s.kind === 'crew-notes') await updateEntry(admin, id, { crewNotes: s.text });
						if (s.kind === 'delete') await deleteEntry(admin, id);
					}
					const after = await publicNow();
					const recorded = (await readRecords((r) => r.scheduleChanges.list({ limit: 10 }))).filter(
						(c) => c.id > cursor
					);
					cursor = recorded[0]?.id ?? cursor;
					const changedEntries = [...new Set([...before.keys(), ...after.keys()])].filter(
						(id) => JSON.stringify(before.get(id)) !== JSON.stringify(after.get(id))
					);
					const expected = s.kind === 'rename' ? Number(renamed) : changedEntries.length;
					expect(recorded).toHaveLength(expected);
					for (const c of [...recorded].reverse()) follow(held, c);
					for (const [id, seen] of held) {
						const now = after.get(id);
						expect(now, `the visitor still holds ${id}`).toBeDefined();
						expect({ ...seen, description: now!.description }).toEqual(now);
					}
					expect([...held.keys()].sort()).toEqual([...after.keys()].sort());
				}
				for (const id of ids) {
					if (await readRecords((r) => r.entries.find(id))) await deleteEntry(admin, id);
				}
			}),
			{ numRuns: modelRuns(100, 25) }
		);
	}, 120_000);
});
