import { newRecordId } from '../record-id';
import type { EntryCreate, EntryPatch } from '$lib/api';
import { recordEntryAudit } from '../audit/schedule-audit';
import { requireActor } from '../auth/actor';
import { appendEvent, change } from '../storage';
import { announceMarksShown } from '../interests/interests';
import { Refusal, StaleVersion } from '../refusal';
import { toApiEntry } from './api-entry';
import { requireLocation } from './locations';
import type { ServerSession } from '../types';
import type { ServerEntry } from '../types';
import { mayView } from '$lib/schedule/visibility';

const noSuchEntry = () => new Refusal(404, 'no such entry');

/**
 * The schedule's clock is the public files' version (`/schedule.xml`, `.json`): it moves when
 * the public saw the entry before or sees it after, never for a draft or a crew entry alone,
 * which would tell the public when the organisers work and make apps fetch an unchanged file.
 */
const publicSees = (...states: (ServerEntry | null)[]) =>
	states.some((entry) => entry !== null && mayView(entry.visibility, 'public'));

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
			interestedCount: 0
		};
		await requireLocation(tx, entry.locationId);
		await tx.entries.insert(entry);
		await recordEntryAudit(tx, admin, null, entry);
		if (publicSees(entry)) await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'entry-update', data: entry });
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
		const entry: ServerEntry = {
			...before,
			...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
			updatedAt: Math.max(tx.now, before.updatedAt),
			revision: before.revision + 1
		};
		if (entry.start >= entry.end) throw new Refusal(400, 'end must be after start', 'end');
		if (patch.locationId !== undefined) await requireLocation(tx, entry.locationId);
		await tx.entries.save(entry);
		await recordEntryAudit(tx, admin, before, entry);
		if (publicSees(before, entry)) await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'entry-update', data: entry });
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
		if (publicSees(before)) await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'entry-delete', data: { id } });
	});
}
