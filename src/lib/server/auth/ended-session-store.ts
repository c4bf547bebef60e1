import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';
import type { SessionEnding, SessionFacts, SessionTimes } from './session-decision';

/** An `ended_session` row: the tombstone of a session whose login was ended other than by theft. */
export interface EndedSessionRow {
	id: string;
	reason: SessionEnding;
	family_created_at: number;
	last_seen_at: number;
	expires_at: number;
}

/** Copies the chosen session rows to tombstones, each kept until it would have expired. */
function tombstone(db: Db, where: string, key: string, reason: SessionEnding, times: SessionTimes) {
	prepared(
		db,
		`INSERT OR REPLACE INTO ended_session (id, reason, family_created_at, last_seen_at, expires_at)
			SELECT id, ?, family_created_at, last_seen_at,
					MIN(last_seen_at + ?, family_created_at + ?)
				FROM session WHERE ${where} = ?`
	).run(reason, times.idleMs, times.maxMs, key);
}

/** Ends a login: its sessions become tombstones and leave `session`. */
export function endFamilySessions(
	db: Db,
	family: string,
	reason: SessionEnding,
	times: SessionTimes
): void {
	tombstone(db, 'family', family, reason, times);
	prepared(db, 'DELETE FROM session WHERE family = ?').run(family);
}

/** Ends every session of a user about to be deleted (its rows would cascade away with it). */
export function endUserSessions(
	db: Db,
	userId: string,
	reason: SessionEnding,
	times: SessionTimes
): void {
	tombstone(db, 'user_id', userId, reason, times);
	prepared(db, 'DELETE FROM session WHERE user_id = ?').run(userId);
}

export function findEndedSession(db: Db, id: string): EndedSessionRow | undefined {
	return prepared(db, 'SELECT * FROM ended_session WHERE id = ?').get(id) as
		EndedSessionRow | undefined;
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

/** Deletes tombstones past the time their session would have expired; returns how many went. */
export function pruneEndedSessions(db: Db, now: number): number {
	return prepared(db, 'DELETE FROM ended_session WHERE expires_at <= ?').run(now).changes;
}
