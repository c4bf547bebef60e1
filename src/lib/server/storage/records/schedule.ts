import type { ApiLocation, ApiScheduleChange, ListedLocation, Visibility } from '$lib/api';
import type { ServerEntry } from '../../types';

/** The schedule's entries, each read with how many users marked it. */
export interface EntryRecords {
	find(id: string): Promise<ServerEntry | undefined>;
	/** Entries of the given visibilities, in schedule order (start, end, title, id). */
	list(visibilities: readonly Visibility[]): Promise<ServerEntry[]>;
	/**
	 * Entries of the given visibilities starting in [from, to), in schedule order; with
	 * `runningAt`, also those that started before `from` and are still running then (a night's
	 * set past the day's start is on now).
	 */
	listStartingIn(
		visibilities: readonly Visibility[],
		from: number,
		to: number,
		runningAt?: number | null
	): Promise<ServerEntry[]>;
	/**
	 * Entries of the given visibilities whose title or description holds `text`, ignoring the
	 * case of ASCII letters, in schedule order, at most `limit`. Every character of `text`,
	 * wildcards included, matches itself.
	 */
	search(visibilities: readonly Visibility[], text: string, limit: number): Promise<ServerEntry[]>;
	/** Entries of the given visibilities that the user marked, oldest mark first: one query. */
	markedBy(userId: string, visibilities: readonly Visibility[]): Promise<ServerEntry[]>;
	/** The first start at or after `from` among entries of the given visibilities. */
	firstStartFrom(visibilities: readonly Visibility[], from: number): Promise<number | undefined>;
	countAt(locationId: string): Promise<number>;
	/**
	 * The public entries at a location whose shown name changed: a calendar shows them anew
	 * (SEQUENCE and LAST-MODIFIED move), as after an edit of their own the public sees.
	 */
	renamedAt(locationId: string, now: number): Promise<void>;
	insert(entry: ServerEntry): Promise<void>;
	/** Writes every field but `id`, `createdAt` and `interestedCount`. */
	save(entry: ServerEntry): Promise<void>;
	delete(id: string): Promise<void>;
	/**
	 * Moves the schedule's clock to `now` (never back) after a change the public sees: the
	 * public files' version.
	 */
	touchClock(now: number): Promise<void>;
	/** The schedule clock, 0 before the first change. */
	clock(): Promise<number>;
}

export interface LocationRecords {
	find(id: string): Promise<ApiLocation | undefined>;
	/** By name, ignoring case, then id. */
	list(): Promise<ApiLocation[]>;
	/** The same order, names only, as the schedule's lists show them. */
	listNames(): Promise<ListedLocation[]>;
	insert(location: ApiLocation, now: number): Promise<void>;
	save(location: ApiLocation): Promise<void>;
	delete(id: string): Promise<void>;
}

/** Users' marks on entries ("interested"). */
export interface InterestRecords {
	/** True when the mark is new. */
	add(userId: string, entryId: string, now: number): Promise<boolean>;
	/** True when there was a mark to remove. */
	remove(userId: string, entryId: string): Promise<boolean>;
	has(userId: string, entryId: string): Promise<boolean>;
	/** The users who marked the entry. */
	markersOf(entryId: string): Promise<string[]>;
	/** Removes every mark of the user and answers the entries they were on. */
	deleteAllOf(userId: string): Promise<string[]>;
}

/**
 * The public schedule's changes, one per event that changed what the public sees, keyed by that
 * event's id and kept as long as the log keeps its events (docs/changes.md).
 */
export interface ScheduleChangeRecords {
	add(change: ApiScheduleChange): Promise<void>;
	/** Newest first, at most `limit`, those before the id `before` when given. */
	list(query: { limit: number; before?: number; entryId?: string }): Promise<ApiScheduleChange[]>;
	/** For each entry among the last `limit` changes, the id of its latest one. */
	latestPerEntry(limit: number): Promise<Map<string, number>>;
	/** Removes those made before `before`; answers how many. */
	prune(before: number): Promise<number>;
}
