import type { ApiOwnSession, ApiSecurityRecord } from '$lib/api';
import type { SessionEnding } from '../../types';

/** A session as stored: one key of a login (its family), which rotation replaces. */
export interface SessionRow {
	id: string;
	user_id: string;
	/** Whole seconds, as Lucia keeps it. */
	expires_at: number;
	public_id: string;
	family: string;
	family_created_at: number;
	created_at: number;
	rotates_at: number;
	rotated_at: number | null;
	successor: string | null;
	received: number;
	ended_at: number | null;
	ended_reason: string | null;
	user_agent: string;
	last_seen_at: number;
}

export type SessionInsert = Pick<
	SessionRow,
	| 'id'
	| 'user_id'
	| 'expires_at'
	| 'public_id'
	| 'family'
	| 'family_created_at'
	| 'created_at'
	| 'rotates_at'
	| 'user_agent'
	| 'last_seen_at'
>;

/** A login as the cap on live logins weighs it. */
export interface LiveLogin {
	/** Its family. */
	id: string;
	lastSeenAt: number;
	createdAt: number;
}

/** Sessions and their families; "live" means neither rotated nor ended. */
export interface SessionRecords {
	find(id: string): Promise<SessionRow | undefined>;
	/** Every session row of the user, ended and rotated ones included. */
	listOf(userId: string): Promise<SessionRow[]>;
	insert(row: SessionInsert): Promise<void>;
	/** Whether the session was ever presented; undefined when there is no such session. */
	received(id: string): Promise<boolean | undefined>;
	/** Sessions of the family superseded unused that were made after `createdAt`. */
	countSupersededAfter(family: string, createdAt: number): Promise<number>;
	/** Marks it presented, with its last use and expiry (whole seconds). */
	markSeen(id: string, lastSeenAt: number, expiresAt: number): Promise<void>;
	setExpiresAt(id: string, expiresAt: number): Promise<void>;
	/** Links it to its successor; presented, as it was to be rotated. */
	markRotated(id: string, successor: string, now: number): Promise<void>;
	/** Ends an unused successor as superseded; false when it had ended already. */
	supersede(id: string, now: number): Promise<boolean>;
	/** Ends the family's live and superseded sessions as taken; they stay as tombstones. */
	markFamilyTaken(family: string, now: number): Promise<void>;
	/**
	 * The user agent of the family's live session other than `exceptId`, or its newest one:
	 * the other party of a theft. Empty when there is none.
	 */
	otherPartyOf(family: string, exceptId: string): Promise<string>;
	/** The user's live logins other than `exceptFamily`. */
	liveLoginsOf(userId: string, exceptFamily: string): Promise<LiveLogin[]>;
	/** The families of the user with a session not ended, but `exceptFamily`. */
	openFamiliesOf(userId: string, exceptFamily: string | null): Promise<string[]>;
	/** Whether the user has a session of the family not ended. */
	isOpenFamilyOf(userId: string, family: string): Promise<boolean>;
	/** A login as the account's list shows it: its family's live session. */
	ownSession(family: string): Promise<ApiOwnSession | undefined>;
	/** The user's logins, most recently used first. */
	ownSessionsOf(userId: string): Promise<ApiOwnSession[]>;
	delete(id: string): Promise<void>;
	/** Deletes sessions whose expiry (whole seconds) is at or before `nowSeconds`. */
	deleteExpired(nowSeconds: number): Promise<number>;
}

/** The tombstone of a session whose login was ended other than by theft. */
export interface EndedSessionRow {
	id: string;
	reason: SessionEnding;
	family_created_at: number;
	last_seen_at: number;
	expires_at: number;
}

/** How long a tombstone is kept: until its session would have expired. */
export interface TombstoneTimes {
	idleMs: number;
	maxMs: number;
}

export interface EndedSessionRecords {
	/** Ends a login: its sessions become tombstones and leave the sessions. */
	endFamily(family: string, reason: SessionEnding, times: TombstoneTimes): Promise<void>;
	/** The same for every session of a user. */
	endUser(userId: string, reason: SessionEnding, times: TombstoneTimes): Promise<void>;
	find(id: string): Promise<EndedSessionRow | undefined>;
	/** Deletes tombstones past the time their session would have expired; answers how many. */
	prune(now: number): Promise<number>;
}

/** What happened to an account that its owner is told of (a taken session). */
export interface SecurityRecords {
	add(userId: string, record: ApiSecurityRecord): Promise<void>;
	/** Newest first, at most `limit`. */
	listOf(userId: string, limit: number): Promise<ApiSecurityRecord[]>;
	/** Deletes records made before `before`; answers how many. */
	prune(before: number): Promise<number>;
}
