/**
 * One change of the public schedule: what a visitor saw change, read from the event that made
 * it (docs/changes.md). Times are milliseconds since the epoch.
 */
export interface ApiScheduleChange {
	/** The id of the event that made it: changes are ordered by it, and cursors compare with it. */
	id: number;
	at: number;
	/** The entry it is about; null when a location was renamed. */
	entryId: string | null;
	/**
	 * The entry as the public sees it after the change, or saw it last when it was cancelled;
	 * for a renamed location, its new name as `title`.
	 */
	title: string;
	start: number | null;
	end: number | null;
	location: string | null;
	/** What changed, at least one. */
	what: ScheduleChangePart[];
}

/** Locations are named as they were called when the change was made. */
export type ScheduleChangePart =
	/** Published, or created public. */
	| { kind: 'new' }
	| { kind: 'moved'; from: { start: number; end: number }; to: { start: number; end: number } }
	| { kind: 'location-changed'; from: string | null; to: string | null }
	| { kind: 'retitled'; from: string; to: string }
	| { kind: 'description-changed' }
	/** Deleted, or hidden from the public. */
	| { kind: 'cancelled' }
	| { kind: 'location-renamed'; from: string; to: string };

export type ScheduleChangeKind = ScheduleChangePart['kind'];
