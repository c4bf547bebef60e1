import type { SessionEndReason } from '$lib/api';
import type { EventPayload, StoredEvent } from '../events/stored-event';
import type { AttemptRecords } from './records/attempts';
import type { AuditRecords } from './records/audit';
import type {
	CalendarFeedRecords,
	InvitationRecords,
	PasswordResetRecords,
	UserRecords
} from './records/people';
import type {
	EntryRecords,
	InterestRecords,
	LocationRecords,
	ScheduleChangeRecords
} from './records/schedule';
import type { EndedSessionRecords, SecurityRecords, SessionRecords } from './records/sessions';
import type { FeedVersionRecords, SettingsRecords } from './records/settings';
import type { ShiftRecords } from './records/shifts';

/**
 * The storage: every read and write of the app goes through one of these, so that another
 * database is one implementation of this interface (docs/architecture.md, "Storage").
 */
export interface Storage {
	/**
	 * One consistent read: the head event id and what `read` reads, as of one moment. A page
	 * opens its stream from that id and misses nothing (docs/stream.md).
	 */
	snapshot<T>(read: (records: Records) => T | Promise<T>): Promise<Snapshot<T>>;
	/** A consistent read without the head, for answers that carry no event id. */
	read<T>(read: (records: Records) => T | Promise<T>): Promise<T>;
	/**
	 * One change: serialised with every other change, its events appended with gapless ids in
	 * commit order and committed with it, then announced. A body that throws commits nothing
	 * and announces nothing. The body may await; it reads and writes through `tx`'s records only,
	 * never through another `read`, `snapshot` or `change`, which may wait for it to end.
	 */
	change<T>(body: (tx: Change) => T | Promise<T>, now?: number): Promise<T>;
	readonly log: EventLog;
	/** Hears every committed event once, in id order, after its change committed. */
	onEvent(listener: (event: StoredEvent) => void): () => void;
	/** Hears sessions that stopped being the right key, after the change that ended them. */
	onSessionEnded(listener: (end: SessionEnd) => void): () => void;
	/**
	 * A consistent copy of everything stored, as of one moment, written to the new file
	 * `toPath` while changes go on; checked before it resolves. `pages`: its size, for the log.
	 */
	backup(toPath: string): Promise<{ pages: number }>;
	/** Closes its connections; resolves once they are closed. */
	close(): Promise<void>;
}

export interface Snapshot<T> {
	lastEventId: number;
	data: T;
}

/**
 * What the app keeps, by area: every read and write of a row goes through one of these, inside
 * a read or a change. Each implementation answers them with its own queries.
 */
export interface Records {
	readonly entries: EntryRecords;
	readonly locations: LocationRecords;
	readonly interests: InterestRecords;
	readonly scheduleChanges: ScheduleChangeRecords;
	readonly shifts: ShiftRecords;
	readonly users: UserRecords;
	readonly invitations: InvitationRecords;
	readonly passwordResets: PasswordResetRecords;
	readonly calendarFeeds: CalendarFeedRecords;
	readonly sessions: SessionRecords;
	readonly endedSessions: EndedSessionRecords;
	readonly securityRecords: SecurityRecords;
	readonly audit: AuditRecords;
	readonly settings: SettingsRecords;
	readonly feedVersions: FeedVersionRecords;
	readonly attempts: AttemptRecords;
}

/**
 * Handed only to the body of a change, so nothing is written or announced outside one: its
 * records read and write inside the change's transaction.
 */
export interface Change extends Records {
	readonly now: number;
	/** Appends an event to the log; it is announced once the change commits. */
	append(payload: EventPayload): StoredEvent;
	/** Announced to `onSessionEnded` once the change commits, in order with `afterCommit`. */
	announceSessionEnded(end: SessionEnd): void;
	/** Called after commit, e.g. to log what the change did. */
	afterCommit(effect: () => void): void;
}

/** The event log's reads, outside any change. */
export interface EventLog {
	/** The highest committed id, 0 before the first; pruning never lowers it. */
	headId(): Promise<number>;
	/** The oldest kept id, or null when nothing is kept. */
	oldestId(): Promise<number | null>;
	/**
	 * Events after `afterId` in id order: at most `maxEvents`, and no more once their stored
	 * data reached `maxBytes` (one event always, however large). `complete` when no later event
	 * was committed yet.
	 */
	pageAfter(
		afterId: number,
		maxEvents: number,
		maxBytes?: number
	): Promise<{ events: StoredEvent[]; complete: boolean }>;
	/** Deletes events created before `olderThan`; answers how many. */
	prune(olderThan: number): Promise<number>;
}

/** Which sessions stopped being the right key, so their streams can be closed at once. */
export type SessionEnd =
	| { sessionIds: string[]; reason: SessionEndReason }
	| { family: string; reason: SessionEndReason }
	| { userId: string; reason: SessionEndReason };
