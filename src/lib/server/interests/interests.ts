import { userTypes, type AccessLevel, type ApiInterest, type Visibility } from '$lib/api';
import { requireActor } from '../auth/actor';
import { spendWrite } from '../auth/write-budget';
import type { Db } from '../storage';
import { appendEvent, change, type Change } from '../events/change';
import type { StoredEvent } from '../events/stored-event';
import { Refusal } from '../refusal';
import { findEntry } from '../schedule/entry-store';
import type { ServerEntry } from '../schedule/server-entry';
import { gainsSight, mayView } from '../schedule/visibility';
import type { ServerSession } from '../types';
import {
	addInterest,
	deleteInterestsOf,
	hasInterest,
	listInterestEntryIds,
	listMarkers,
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
export async function setInterest(actor: ServerSession, entryId: string, interested: boolean) {
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

/**
 * Inside the change that shows an entry to a level that could not see it: a page of that level
 * loaded while it was hidden holds no mark for it, so its markers are told again
 * (`marks-shown`). One small row, however many marked it (docs/decisions.md).
 */
export function announceMarksShown(
	tx: Change,
	entryId: string,
	from: Visibility,
	to: Visibility
): void {
	if (!userTypes.some((level) => gainsSight(from, to, level))) return;
	const markedBy = new Set(listMarkers(tx.db, entryId));
	if (markedBy.size === 0) return;
	const event = appendEvent(tx, { type: 'marks-shown', data: { entryId, from, to } });
	// Live delivery learns the markers as of the change itself; the row never holds them.
	if (event.type === 'marks-shown') event.data.markedBy = markedBy;
}

/**
 * A `marks-shown` read back from the log, with whether this viewer marked the entry. It reads
 * the mark as it is now, not as it was then: any later change of it has its own event, further
 * on in the same replay, so the page still ends where the server is.
 */
export function withViewerMark(
	db: Db,
	event: StoredEvent,
	viewer: { level: AccessLevel; userId: string | null }
): StoredEvent {
	if (event.type !== 'marks-shown' || viewer.userId === null) return event;
	if (!gainsSight(event.data.from, event.data.to, viewer.level)) return event;
	const marked = hasInterest(db, viewer.userId, event.data.entryId);
	return { ...event, data: { ...event.data, markedBy: new Set(marked ? [viewer.userId] : []) } };
}
