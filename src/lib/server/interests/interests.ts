import { userTypes, type AccessLevel, type ApiInterest, type Visibility } from '$lib/api';
import { requireActor } from '../auth/actor';
import { spendWrite } from '../auth/write-budget';
import { appendEvent, change, type Change, type Records } from '../storage';
import type { StoredEvent } from '../events/stored-event';
import { Refusal } from '../refusal';
import { gainsSight, mayView, visibleTo } from '$lib/schedule/visibility';
import type { ServerSession } from '../types';

/** The entries a user marked that their level may see now, oldest mark first. */
export const markedEntries = (records: Records, userId: string, level: AccessLevel) =>
	records.entries.markedBy(userId, visibleTo(level));

/** The ids of the entries the user marked that it may see now (GET interests). */
export const visibleInterestIds = async (records: Records, userId: string, level: AccessLevel) =>
	(await markedEntries(records, userId, level)).map((entry) => entry.id);

/** Tells crew and admins the entry's new count (they see it on every entry), and only that. */
async function announceCount(tx: Change, entryId: string): Promise<void> {
	const entry = await tx.entries.find(entryId);
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
	return change(async (tx): Promise<ApiInterest> => {
		const user = await requireActor(tx, actor);
		await spendWrite(tx, user);
		const entry = await tx.entries.find(entryId);
		if (!entry || !mayView(entry.visibility, user.type)) {
			throw new Refusal(404, 'no such entry');
		}
		const changed = interested
			? await tx.interests.add(user.id, entryId, tx.now)
			: await tx.interests.remove(user.id, entryId);
		if (changed) {
			appendEvent(tx, { type: 'interest-update', data: { userId: user.id, entryId, interested } });
			await announceCount(tx, entryId);
		}
		return { entryId, interested };
	});
}

/** Inside the change that deletes a user: their marks go, and the counts they were in drop. */
export async function removeInterests(tx: Change, userId: string): Promise<void> {
	for (const entryId of await tx.interests.deleteAllOf(userId)) await announceCount(tx, entryId);
}

/**
 * Inside the change that shows an entry to a level that could not see it: a page of that level
 * loaded while it was hidden holds no mark for it, so its markers are told again
 * (`marks-shown`). One small row, however many marked it (docs/decisions.md).
 */
export async function announceMarksShown(
	tx: Change,
	entryId: string,
	from: Visibility,
	to: Visibility
): Promise<void> {
	if (!userTypes.some((level) => gainsSight(from, to, level))) return;
	const markedBy = new Set(await tx.interests.markersOf(entryId));
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
export async function withViewerMark(
	records: Records,
	event: StoredEvent,
	viewer: { level: AccessLevel; userId: string | null }
): Promise<StoredEvent> {
	if (event.type !== 'marks-shown' || viewer.userId === null) return event;
	if (!gainsSight(event.data.from, event.data.to, viewer.level)) return event;
	const marked = await records.interests.has(viewer.userId, event.data.entryId);
	return { ...event, data: { ...event.data, markedBy: new Set(marked ? [viewer.userId] : []) } };
}
