import type { Records } from '../storage';
import type { EndedSessionRow, SessionInsert, SessionRow } from '../storage/records/sessions';
import type { ServerSession } from '../types';
import type { SessionFacts, SessionTimes } from './session-decision';
import { sessionExpiresAt } from './session-decision';
import { generatePublicId } from './token';
import type { Config } from '../config';

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

/** What the session rules need of a presented session's row. */
export async function sessionFacts(records: Records, row: SessionRow): Promise<SessionFacts> {
	const successorReceived =
		row.successor === null ? null : (await records.sessions.received(row.successor)) === true;
	return {
		familyCreatedAt: row.family_created_at,
		rotatesAt: row.rotates_at,
		lastSeenAt: row.last_seen_at,
		rotatedAt: row.rotated_at,
		successorReceived,
		endedReason: row.ended_reason,
		// The successors superseded after `row`, the family's newest rotated session (the only
		// one whose successor may be unreceived: rotating marks a session received), was rotated
		// again from: every superseded session of the family made after it.
		supersededSuccessors:
			successorReceived === false
				? await records.sessions.countSupersededAfter(row.family, row.created_at)
				: 0
	};
}

/** What the decision needs of a tombstone: it decides as ended until it would have expired. */
export function endedSessionFacts(row: EndedSessionRow): SessionFacts {
	return {
		familyCreatedAt: row.family_created_at,
		rotatesAt: row.last_seen_at,
		lastSeenAt: row.last_seen_at,
		rotatedAt: null,
		successorReceived: null,
		endedReason: row.reason
	};
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
