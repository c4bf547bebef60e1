import type { AccessLevel, ApiInterest } from '$lib/api';
import { requireActor } from '../auth/actor';
import { spendWrite } from '../auth/write-budget';
import type { Db } from '../db';
import { appendEvent, change, type Change } from '../events/change';
import { Refusal } from '../refusal';
import { findEntry } from '../schedule/entry-store';
import type { ServerEntry } from '../schedule/server-entry';
import { mayView } from '../schedule/visibility';
import type { ServerSession } from '../types';
import {
	addInterest,
	deleteInterestsOf,
	listInterestEntryIds,
	removeInterest
} from './interest-store';

/** The entries a user marked that their level may see now, oldest mark first. */
export function markedEntries(db: Db, userId: string, level: AccessLevel): ServerEntry[] {
	return listInterestEntryIds(db, userId)
		.map((id) => findEntry(db, id))
		.filter((entry): entry is ServerEntry => !!entry && mayView(entry.visibility, level));
}

/** The ids of the entries the user marked that it may see now (GET interests). */
export const visibleInterestIds = (db: Db, userId: string, level: AccessLevel): string[] =>
	markedEntries(db, userId, level).map((entry) => entry.id);

/** Tells crew and admins the entry's new count (they see it on every entry), and only that. */
function announceCount(tx: Change, entryId: string): void {
	const entry = findEntry(tx.db, entryId);
	if (!entry) return;
	const { id, interestedCount, visibility } = entry;
	appendEvent(tx, { type: 'entry-interest-count', data: { id, interestedCount, visibility } });
}

/**
 * Marks or unmarks an entry for the acting user. An entry they may not see is a 404, as if it
 * did not exist. Only a real change writes events: the personal one to every stream of the
 * user, and the count to crew and admins.
 */
export function setInterest(actor: ServerSession, entryId: string, interested: boolean) {
	return change((tx): ApiInterest => {
		const user = requireActor(tx, actor);
		spendWrite(tx, user);
		const entry = findEntry(tx.db, entryId);
		if (!entry || !mayView(entry.visibility, user.type)) {
			throw new Refusal(404, 'no such entry');
		}
		const changed = interested
			? addInterest(tx.db, user.id, entryId, tx.now)
			: removeInterest(tx.db, user.id, entryId);
		if (changed) {
			appendEvent(tx, { type: 'interest-update', data: { userId: user.id, entryId, interested } });
			announceCount(tx, entryId);
		}
		return { entryId, interested };
	});
}

/** Inside the change that deletes a user: their marks go, and the counts they were in drop. */
export function removeInterests(tx: Change, userId: string): void {
	for (const entryId of deleteInterestsOf(tx.db, userId)) announceCount(tx, entryId);
}
