import type { ApiInvitation, UserSort, UserType } from '$lib/api';
import type { ServerUser } from '../../types';

export interface UserQuery {
	/** Names holding this text, ignoring case; every character matches itself. */
	q: string;
	sort: UserSort;
	order: 'asc' | 'desc';
	/** No limit when absent. */
	limit?: number;
	offset: number;
}

export interface UserRecords {
	find(id: string): Promise<ServerUser | undefined>;
	/** Names compare ignoring case, as the unique index does. */
	findWithHashByName(name: string): Promise<{ user: ServerUser; passwordHash: string } | undefined>;
	passwordHash(userId: string): Promise<string | undefined>;
	count(): Promise<number>;
	/** Oldest first. */
	list(): Promise<ServerUser[]>;
	/** One window of the users matching a search, in a stable order, with how many match. */
	query(query: UserQuery): Promise<{ users: ServerUser[]; total: number }>;
	/**
	 * The users the shifts pages name, by name: crew and admins, who may hold shifts, and anyone
	 * who held a place on one, whose worked shifts stay on record.
	 */
	listShiftPeople(): Promise<ServerUser[]>;
	/** Admins who are not suspended. */
	countActiveAdmins(): Promise<number>;
	insert(user: ServerUser, passwordHash: string): Promise<void>;
	rename(id: string, name: string, type: UserType): Promise<void>;
	setSuspended(id: string, at: number | null, by: string | null): Promise<void>;
	setPasswordHash(id: string, passwordHash: string): Promise<void>;
	setLastSeen(id: string, at: number): Promise<void>;
	/** Deletes the user; rows that belong to them go with it. */
	delete(id: string): Promise<void>;
}

export interface InvitationRecords {
	insert(invitation: ApiInvitation, tokenHash: string): Promise<void>;
	findByTokenHash(tokenHash: string): Promise<ApiInvitation | undefined>;
	/** Newest first. */
	list(): Promise<ApiInvitation[]>;
	/** True when it existed. */
	delete(id: string): Promise<boolean>;
	/** True when this call used it; false when it was already used. */
	markUsed(id: string, userId: string, now: number): Promise<boolean>;
}

/** A password reset link's record: never its secret. */
export interface PasswordResetRecord {
	id: string;
	userId: string;
	/** The admin who made it; null when the operator's command did. */
	createdBy: string | null;
	createdAt: number;
	expiresAt: number;
	usedAt: number | null;
}

export interface OutstandingPasswordReset {
	id: string;
	createdAt: number;
	expiresAt: number;
	createdById: string | null;
	createdByName: string | null;
}

export interface PasswordResetRecords {
	insert(reset: PasswordResetRecord, tokenHash: string): Promise<void>;
	findByTokenHash(tokenHash: string): Promise<PasswordResetRecord | undefined>;
	/** The user's links that could still be used at `now`, newest first, with their maker's name. */
	listOutstanding(userId: string, now: number): Promise<OutstandingPasswordReset[]>;
	/** Deletes the user's unused links; answers how many. */
	deleteUnusedOf(userId: string): Promise<number>;
	/** Deletes the unused links `makerId` made; answers how many. */
	deleteUnusedMadeBy(makerId: string): Promise<number>;
	/** Deletes one unused link of the user; false when there is no such link. */
	deleteUnused(userId: string, id: string): Promise<boolean>;
	/** True when this call used it; false when it was already used. */
	markUsed(id: string, now: number): Promise<boolean>;
}

/** A user's personal calendar feed: never its secret, only the secret's hash finds it. */
export interface CalendarFeedRecord {
	userId: string;
	createdAt: number;
}

/** One feed per user. */
export interface CalendarFeedRecords {
	/** A new feed replaces the user's old one, whose secret stops finding it. */
	replace(userId: string, tokenHash: string, now: number): Promise<void>;
	findByTokenHash(tokenHash: string): Promise<CalendarFeedRecord | undefined>;
	findOf(userId: string): Promise<CalendarFeedRecord | undefined>;
	/** True when the user had a feed. */
	delete(userId: string): Promise<boolean>;
}
