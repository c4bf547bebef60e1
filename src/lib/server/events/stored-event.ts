import type { ApiEvent, Visibility } from '$lib/api';
import type { ServerEntry } from '../types';
import type { ServerUser } from '../types';

/**
 * The event log's payloads: full state of what they name, so applying one twice is harmless
 * (docs/stream.md). The personal ones are stored as the API shows them.
 */
export type EventPayload =
	| { type: 'user-update'; data: ServerUser }
	| { type: 'user-delete'; data: { id: string } }
	/** The entry in full, crew notes included: the projection cuts it to each level. */
	| { type: 'entry-update'; data: ServerEntry }
	/**
	 * An entry's interested count changed: only what the projection needs, since a mark can be
	 * toggled often. Events of an earlier version hold the whole entry, which has these fields.
	 */
	| {
			type: 'entry-interest-count';
			data: { id: string; interestedCount: number; visibility: Visibility };
	  }
	/**
	 * An entry became visible to a level that could not see it: each user of such a level who
	 * marked it receives `interest-update { entryId, interested: true }`, since a page loaded
	 * while it was hidden holds no mark for it. The row names no user, so it does not grow with
	 * the marks: who marked it is read when it is delivered (`markedBy`, never stored).
	 */
	| {
			type: 'marks-shown';
			data: { entryId: string; from: Visibility; to: Visibility; markedBy?: ReadonlySet<string> };
	  }
	/** Personal to `userId`, who receives `{ entryId, interested }`. */
	| { type: 'interest-update'; data: { userId: string; entryId: string; interested: boolean } }
	| Extract<
			ApiEvent,
			{
				type:
					| 'settings-update'
					| 'location-update'
					| 'location-delete'
					| 'entry-delete'
					| 'shift-update'
					| 'shift-delete'
					| 'session-update'
					| 'session-delete'
					| 'security-record';
			}
	  >;

export type StoredEvent = EventPayload & { id: number; createdAt: number };

export interface EventRow {
	id: number;
	type: string;
	data: string;
	created_at: number;
}

export function fromEventRow(row: EventRow): StoredEvent {
	return {
		id: row.id,
		createdAt: row.created_at,
		type: row.type,
		data: JSON.parse(row.data)
	} as StoredEvent;
}
