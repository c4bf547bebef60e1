import type { Db } from '../storage';
import type { ServerSession } from '../types';
import type { SessionFacts, SessionTimes } from './session-decision';
import { sessionExpiresAt } from './session-decision';
import { generatePublicId } from './token';
import type { Config } from '../config';
import { prepared } from '../storage/sqlite/statements';

/** A `session` row, as stored. */
export interface SessionRow {
	id: string;
	user_id: string;
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

export function sessionTimes(config: Config): SessionTimes {
	return {
		rotateMs: config.SESSION_ROTATE_SECONDS * 1000,
		graceMs: config.SESSION_GRACE_SECONDS * 1000,
		idleMs: config.SESSION_IDLE_SECONDS * 1000,
		maxMs: config.SESSION_MAX_SECONDS * 1000
	};
}

/** Lucia's `expires_at` is in seconds; rounding up never ends a session early. */
export const toLuciaSeconds = (ms: number) => Math.ceil(ms / 1000);

/** The row of a new session: a fresh login starts a family, a rotation continues one. */
export function newSessionRow(
	input: {
		id: string;
		userId: string;
		userAgent: string;
		family?: string;
		familyCreatedAt?: number;
	},
	now: number,
	times: SessionTimes
): SessionInsert {
	const familyCreatedAt = input.familyCreatedAt ?? now;
	const publicId = generatePublicId();
	const expiresAt = Math.min(now + times.idleMs, familyCreatedAt + times.maxMs);
	return {
		id: input.id,
		user_id: input.userId,
		expires_at: toLuciaSeconds(expiresAt),
		public_id: publicId,
		family: input.family ?? publicId,
		family_created_at: familyCreatedAt,
		created_at: now,
		rotates_at: now + times.rotateMs,
		user_agent: input.userAgent.slice(0, 512),
		last_seen_at: now
	};
}

export function findSessionRow(db: Db, id: string): SessionRow | undefined {
	return prepared(db, 'SELECT * FROM session WHERE id = ?').get(id) as SessionRow | undefined;
}

export function sessionFacts(db: Db, row: SessionRow): SessionFacts {
	const successor = row.successor
		? (prepared(db, 'SELECT received FROM session WHERE id = ?').pluck().get(row.successor) as
				number | undefined)
		: undefined;
	const successorReceived = row.successor === null ? null : successor === 1;
	return {
		familyCreatedAt: row.family_created_at,
		rotatesAt: row.rotates_at,
		lastSeenAt: row.last_seen_at,
		rotatedAt: row.rotated_at,
		successorReceived,
		endedReason: row.ended_reason,
		supersededSuccessors: successorReceived === false ? supersededSuccessors(db, row) : 0
	};
}

/**
 * The successors superseded after `row`, the family's newest rotated session (the only one whose
 * successor may be unreceived: rotating a session marks it received), was rotated again from:
 * every superseded session of the family that came after it. Earlier ones, of its predecessors,
 * were all made before it.
 */
function supersededSuccessors(db: Db, row: SessionRow): number {
	return prepared(
		db,
		`SELECT COUNT(*) FROM session
			WHERE family = ? AND ended_reason = 'superseded' AND created_at > ?`
	)
		.pluck()
		.get(row.family, row.created_at) as number;
}

export function toServerSession(row: SessionRow, times: SessionTimes): ServerSession {
	return {
		id: row.id,
		publicId: row.public_id,
		userId: row.user_id,
		family: row.family,
		familyCreatedAt: row.family_created_at,
		createdAt: row.created_at,
		rotatesAt: row.rotates_at,
		expiresAt: sessionExpiresAt(
			{ familyCreatedAt: row.family_created_at, lastSeenAt: row.last_seen_at },
			times
		),
		lastSeenAt: row.last_seen_at,
		userAgent: row.user_agent
	};
}

/**
 * The browser of the other party in a theft: the one whose session of the family is live (or
 * newest), i.e. the one that had used the login before `presented` came back to it.
 */
export function findTheftOtherParty(db: Db, presented: SessionRow): string {
	return (
		(prepared(
			db,
			`SELECT user_agent FROM session WHERE family = ? AND id != ?
				ORDER BY (ended_reason IS NULL AND rotated_at IS NULL) DESC, created_at DESC LIMIT 1`
		)
			.pluck()
			.get(presented.family, presented.id) as string | undefined) ?? ''
	);
}
