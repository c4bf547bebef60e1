import { closeStorage } from '$lib/server/storage';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, Visibility } from '$lib/api';
import {
	conflictDraft,
	entryFormValues,
	keepMine,
	mergeDraft,
	openDraft,
	refusedDraft,
	saveVersion,
	type EntryDraft
} from '$lib/schedule/entry-draft';
import { createSession } from '$lib/server/auth/session-start';
import { modelRuns, readRecords, resetStorage, subscribeEvents } from '../helpers/storage';
import { change } from '$lib/server/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { StaleVersion } from '$lib/server/refusal';
import { createEntry, updateEntry } from '$lib/server/schedule/entries';
import type { ServerSession } from '$lib/server/types';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/*
 * Two admins edit one entry through the real store while each one's form follows the events
 * projected for them, delivered late and in order: whatever the interleaving, a form never
 * loses what its person typed to a live change, and no save is accepted that would overwrite a
 * value its person never saw (a save that was not confirmed over the current version).
 */

const zone = 'UTC';
const fields = ['title', 'description', 'crewNotes', 'visibility'] as const;
type Edited = (typeof fields)[number];
const valuesOf: Record<Edited, string[]> = {
	title: ['Talk', 'Talk moved', 'Keynote'],
	description: ['', 'one', 'two'],
	crewNotes: ['', 'mic', 'chairs'],
	visibility: ['draft', 'public', 'crew']
};

type Step =
	| { kind: 'type'; admin: number; field: Edited; value: number }
	| { kind: 'deliver'; admin: number }
	| { kind: 'save'; admin: number }
	| { kind: 'keep'; admin: number };
const admin = fc.nat(1);
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		arbitrary: fc.record({
			kind: fc.constant('type' as const),
			admin,
			field: fc.constantFrom(...fields),
			value: fc.nat(2)
		}),
		weight: 4
	},
	{ arbitrary: fc.record({ kind: fc.constant('deliver' as const), admin }), weight: 4 },
	{ arbitrary: fc.record({ kind: fc.constant('save' as const), admin }), weight: 3 },
	fc.record({ kind: fc.constant('keep' as const), admin })
);

let heard: StoredEvent[] = [];
let stop = () => {};
const sessions: ServerSession[] = [];
beforeAll(async () => {
	await resetStorage();
	stop = subscribeEvents((event) => heard.push(event));
	for (let i = 0; i < 2; i++) {
		sessions.push(
			await change(async (tx) => {
				const id = generateUserId();
				await tx.users.insert(
					{ id, name: `A${i}`, type: 'admin', createdAt: 1, lastSeenAt: 1 },
					'x'
				);
				return (await createSession(tx, { userId: id, userAgent: 'model' })).session;
			})
		);
	}
});
afterAll(async () => {
	stop();
	await closeStorage();
});

describe('two admins editing one entry, as a model', () => {
	it('typing is never wiped by a live change, and no save overwrites a value its admin never saw', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
				async (steps) => {
					const start = Date.UTC(2031, 6, 4, 10);
					const created = await createEntry(sessions[0], {
						title: 'Talk',
						start,
						end: start + 3_600_000
					});
					const asAdmin = (i: number, event: StoredEvent) =>
						projectEvent(event, { level: 'admin', userId: sessions[i].userId });
					const opened = (entry: ApiEntry) =>
						openDraft(entryFormValues(entry, zone), entry.version!);
					const first = { ...created, version: created.revision } as unknown as ApiEntry;
					const drafts: EntryDraft[] = [opened(first), opened(first)];
					const inbox: ApiEntry[][] = [[], []];
					for (const s of steps) {
						heard = [];
						const i = s.admin;
						if (s.kind === 'type') {
							const draft = drafts[i];
							drafts[i] = {
								...draft,
								values: { ...draft.values, [s.field]: valuesOf[s.field][s.value] }
							};
						} else if (s.kind === 'deliver') {
							const next = inbox[i].shift();
							if (next) {
								const before = drafts[i];
								const after = mergeDraft(before, entryFormValues(next, zone), next.version!);
								// What the person typed (a value away from the one they last saw) stays.
								for (const field of fields) {
									if (before.values[field] !== before.base[field]) {
										expect(after.values[field]).toBe(before.values[field]);
									}
								}
								drafts[i] = after;
							}
						} else if (s.kind === 'keep') {
							drafts[i] = keepMine(drafts[i]);
						} else {
							const draft = drafts[i];
							const server = (await readRecords((r) => r.entries.find(created.id)))!;
							const patch = {
								title: draft.values.title,
								description: draft.values.description,
								crewNotes: draft.values.crewNotes,
								visibility: draft.values.visibility as Visibility
							};
							try {
								const saved = await updateEntry(sessions[i], created.id, patch, [
									saveVersion(draft)
								]);
								// Accepted: every value it replaced was the one its admin's form showed.
								for (const field of fields) {
									expect(draft.base[field], field).toBe(String(server[field]));
								}
								drafts[i] = openDraft(entryFormValues(toApi(saved), zone), saved.revision);
							} catch (error) {
								if (!(error instanceof StaleVersion)) throw error;
								expect((await readRecords((r) => r.entries.find(created.id)))!.revision).toBe(
									server.revision
								);
								const current = error.current as ApiEntry;
								// Half the time as the page with JavaScript (its own draft), half as the
								// form without (what it was opened with is lost: every difference is told).
								drafts[i] =
									current.version! % 2
										? refusedDraft(draft, entryFormValues(current, zone), current.version!)
										: conflictDraft(draft.values, entryFormValues(current, zone), current.version!);
							}
						}
						for (const event of heard) {
							for (const j of [0, 1]) {
								const seen = asAdmin(j, event);
								if (seen?.type === 'entry-update') inbox[j].push(seen.data);
							}
						}
					}
				}
			),
			{ numRuns: modelRuns(150, 40) }
		);
		// A few seconds alone, more on a loaded machine: the default 5 s is not what it tests.
	}, 60_000);
});

function toApi(entry: Awaited<ReturnType<typeof updateEntry>>): ApiEntry {
	return { ...entry, version: entry.revision } as unknown as ApiEntry;
}
