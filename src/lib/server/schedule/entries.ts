import type { EntryCreate, EntryPatch } from '$lib/api';
import { requireActor } from '../auth/actor';
import { appendEvent, change, type Change } from '../events/change';
import { announceMarksShown } from '../interests/interests';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import {
	deleteEntryRow,
	findEntry,
	generateEntryId,
	insertEntry,
	saveEntry,
	touchSchedule
} from './entry-store';
import { findLocation } from './location-store';
import type { ServerEntry } from './server-entry';

const noSuchEntry = () => new Refusal(404, 'no such entry');

function requireLocation(tx: Change, locationId: string | null): void {
	if (locationId !== null && !findLocation(tx.db, locationId)) {
		throw new Refusal(400, 'locationId names no location', 'locationId');
	}
}

/** An admin adds an entry, a draft unless told otherwise. */
export function createEntry(actor: ServerSession, input: EntryCreate): ServerEntry {
	return change((tx) => {
		requireActor(tx, actor, { admin: true });
		const entry: ServerEntry = {
			id: generateEntryId(),
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
		requireLocation(tx, entry.locationId);
		insertEntry(tx.db, entry);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'entry-update', data: entry });
		return entry;
	});
}

/**
 * An admin edits an entry. The event carries it whole; each open page gets it cut to its
 * level, or its delete when the new visibility hides it from that level.
 */
export function updateEntry(actor: ServerSession, id: string, patch: EntryPatch): ServerEntry {
	return change((tx) => {
		requireActor(tx, actor, { admin: true });
		const before = findEntry(tx.db, id);
		if (!before) throw noSuchEntry();
		const entry: ServerEntry = {
			...before,
			...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
			updatedAt: Math.max(tx.now, before.updatedAt),
			revision: before.revision + 1
		};
		if (entry.start >= entry.end) throw new Refusal(400, 'end must be after start', 'end');
		if (patch.locationId !== undefined) requireLocation(tx, entry.locationId);
		saveEntry(tx.db, entry);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'entry-update', data: entry });
		announceMarksShown(tx, id, before.visibility, entry.visibility);
		return entry;
	});
}

export function deleteEntry(actor: ServerSession, id: string): void {
	change((tx) => {
		requireActor(tx, actor, { admin: true });
		if (!findEntry(tx.db, id)) throw noSuchEntry();
		deleteEntryRow(tx.db, id);
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'entry-delete', data: { id } });
	});
}
