import { newRecordId } from '../record-id';
import type { EntryCreate, EntryPatch } from '$lib/api';
import { recordEntryAudit } from '../audit/schedule-audit';
import { requireActor } from '../auth/actor';
import { appendEvent, change } from '../storage';
import { announceMarksShown } from '../interests/interests';
import { Refusal, StaleVersion } from '../refusal';
import { toApiEntry } from './api-entry';
import { publicChangeParts, viewOf } from '$lib/schedule/changes';
import { requireLocation } from './locations';
import { recordEntryChange } from './change-log';
import type { ServerSession } from '../types';
import type { ServerEntry } from '../types';

const noSuchEntry = () => new Refusal(404, 'no such entry');

/** An admin adds an entry, a draft unless told otherwise. */
export async function createEntry(actor: ServerSession, input: EntryCreate): Promise<ServerEntry> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const entry: ServerEntry = {
			id: newRecordId(),
			title: input.title,
			description: input.description ?? '',
			locationId: input.locationId ?? null,
			start: input.start,
			end: input.end,
			visibility: input.visibility ?? 'draft',
			crewNotes: input.crewNotes ?? '',
			createdAt: tx.now,
			updatedAt: tx.now,
			revision: 0,
			calendarRevision: 0,
			calendarChangedAt: tx.now,
			interestedCount: 0
		};
		await requireLocation(tx, entry.locationId);
		await tx.entries.insert(entry);
		await recordEntryAudit(tx, admin, null, entry);
		const event = appendEvent(tx, { type: 'entry-update', data: entry });
		await recordEntryChange(tx, event.id, null, entry);
		return entry;
	});
}

/**
 * An admin edits an entry. The event carries it whole; each open page gets it cut to its
 * level, or its delete when the new visibility hides it from that level. With `versions` (an
 * If-Match, a form's version field) the edit is made only if the entry is still at one of
 * them, decided in the write transaction: a save based on an old version is refused with the
 * current state rather than overwrite a change its author never saw.
 */
export async function updateEntry(
	actor: ServerSession,
	id: string,
	patch: EntryPatch,
	versions: readonly number[] | null = null
): Promise<ServerEntry> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await tx.entries.find(id);
		if (!before) throw noSuchEntry();
		if (versions && !versions.includes(before.revision)) {
			throw new StaleVersion(
				`this entry changed since the version this save is based on: it is at version ${before.revision} now`,
				toApiEntry(before, 'admin')!
			);
		}
		const edited: ServerEntry = {
			...before,
			...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
			updatedAt: Math.max(tx.now, before.updatedAt),
			revision: before.revision + 1
		};
		// A calendar shows what the public does: SEQUENCE moves by the same rule as the history.
		const entry =
			publicChangeParts(viewOf(before), viewOf(edited)).length === 0
				? edited
				: {
						...edited,
						calendarRevision: before.calendarRevision + 1,
						calendarChangedAt: edited.updatedAt
					};
		if (entry.start >= entry.end) throw new Refusal(400, 'end must be after start', 'end');
		if (patch.locationId !== undefined) await requireLocation(tx, entry.locationId);
		await tx.entries.save(entry);
		await recordEntryAudit(tx, admin, before, entry);
		const event = appendEvent(tx, { type: 'entry-update', data: entry });
		await recordEntryChange(tx, event.id, before, entry);
		await announceMarksShown(tx, id, before.visibility, entry.visibility);
		return entry;
	});
}

export async function deleteEntry(actor: ServerSession, id: string): Promise<void> {
	await change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await tx.entries.find(id);
		if (!before) throw noSuchEntry();
		await recordEntryAudit(tx, admin, before, null);
		await tx.entries.delete(id);
		const event = appendEvent(tx, { type: 'entry-delete', data: { id } });
		await recordEntryChange(tx, event.id, before, null);
	});
}
