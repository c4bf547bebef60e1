import { closeStorage } from '$lib/server/storage';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserType, Visibility } from '$lib/api';
import { applyInterestEvent } from '$lib/client/stores/interests';
import { createSession } from '$lib/server/auth/session-start';
import { modelRuns, readRecords, resetStorage, subscribeEvents } from '../helpers/storage';
import { change } from '$lib/server/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { setInterest, visibleInterestIds } from '$lib/server/interests/interests';
import { Refusal } from '$lib/server/refusal';
import { createEntry, deleteEntry, updateEntry } from '$lib/server/schedule/entries';
import { mayView } from '$lib/schedule/visibility';
import { visibleEntries } from '$lib/server/schedule/visible-entries';
import type { ServerSession } from '$lib/server/types';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/*
 * Marks through the real store while entries are shown, hidden and deleted: a user may mark
 * only what they may see (404 otherwise); their list is their marks they may see now; each
 * user's store, fed the events projected for them, follows their marks; every entry's count
 * (which crew and admins see) is the number of marks on it; and no one else ever receives
 * another's personal event.
 */

const base = Date.UTC(2031, 6, 4, 10);
const people: { type: UserType; session?: ServerSession }[] = [
	{ type: 'admin' },
	{ type: 'regular' },
	{ type: 'regular' },
	{ type: 'crew' }
];
type Step =
	| { kind: 'create'; visibility: Visibility }
	| { kind: 'mark'; user: number; entry: number; on: boolean }
	| { kind: 'visibility'; entry: number; visibility: Visibility }
	| { kind: 'delete'; entry: number };
const visibility = fc.constantFrom<Visibility>('public', 'crew', 'draft');
const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ kind: fc.constant('create' as const), visibility }),
	{
		arbitrary: fc.record({
			kind: fc.constant('mark' as const),
			user: fc.nat(people.length - 1),
			entry: fc.nat(),
			on: fc.boolean()
		}),
		weight: 5
	},
	{
		arbitrary: fc.record({ kind: fc.constant('visibility' as const), entry: fc.nat(), visibility }),
		weight: 2
	},
	fc.record({ kind: fc.constant('delete' as const), entry: fc.nat() })
);

let heard: StoredEvent[] = [];
let stop = () => {};
beforeAll(async () => {
	await resetStorage();
	stop = subscribeEvents((event) => heard.push(event));
	for (const [i, person] of people.entries()) {
		person.session = await change(async (tx) => {
			const id = generateUserId();
			await tx.users.insert(
				{ id, name: `P${i}`, type: person.type, createdAt: 1, lastSeenAt: 1 },
				'x'
			);
			return (await createSession(tx, { userId: id, userAgent: 'model' })).session;
		});
	}
});
afterAll(async () => {
	stop();
	await closeStorage();
});

describe('interests as a model', () => {
	it('marks follow what each user may see; stores, lists and counts stay exact', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }),
				async (steps) => {
					for (const { id } of await readRecords((r) => visibleEntries(r, 'admin')))
						await deleteEntry(people[0].session!, id);
					const marks = people.map(() => new Set<string>());
					const stores: string[][] = people.map(() => []);
					for (const s of steps) {
						heard = [];
						const entries = await readRecords((r) => visibleEntries(r, 'admin'));
						const target = entries.length
							? entries[('entry' in s ? s.entry : 0) % entries.length]
							: null;
						if (s.kind === 'create') {
							await createEntry(people[0].session!, {
								title: 'e',
								start: base,
								end: base + 1,
								visibility: s.visibility
							});
						} else if (target && s.kind === 'visibility') {
							await updateEntry(people[0].session!, target.id, { visibility: s.visibility });
						} else if (target && s.kind === 'delete') {
							await deleteEntry(people[0].session!, target.id);
							for (const set of marks) set.delete(target.id);
						} else if (target && s.kind === 'mark') {
							const person = people[s.user];
							const may = mayView(target.visibility, person.type);
							let status = 200;
							try {
								await setInterest(person.session!, target.id, s.on);
							} catch (error) {
								if (!(error instanceof Refusal)) throw error;
								status = error.status;
							}
							expect(status).toBe(may ? 200 : 404);
							if (may) {
								if (s.on) marks[s.user].add(target.id);
								else marks[s.user].delete(target.id);
							}
						}
						const now = await readRecords((r) => visibleEntries(r, 'admin'));
						for (const [i, person] of people.entries()) {
							for (const event of heard) {
								const seen = projectEvent(event, {
									level: person.type,
									userId: person.session!.userId
								});
								if (seen?.type === 'interest-update')
									stores[i] = applyInterestEvent(stores[i], seen);
							}
							const seeable = now
								.filter((e) => mayView(e.visibility, person.type))
								.map((e) => e.id);
							expect(
								new Set(
									await readRecords((r) =>
										visibleInterestIds(r, person.session!.userId, person.type)
									)
								)
							).toEqual(new Set([...marks[i]].filter((id) => seeable.includes(id))));
							// The store follows marks; a deleted entry's id may linger, shown nowhere.
							expect(new Set(stores[i].filter((id) => now.some((e) => e.id === id)))).toEqual(
								new Set([...marks[i]].filter((id) => now.some((e) => e.id === id)))
							);
						}
						for (const entry of now) {
							expect(entry.interestedCount).toBe(marks.filter((set) => set.has(entry.id)).length);
						}
					}
				}
			),
			{ numRuns: modelRuns(100, 30) }
		);
		// A few seconds alone, more on a loaded machine: the default 5 s is not what it tests.
	}, 60_000);
});
