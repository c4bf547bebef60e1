import type { SessionNotice } from '$lib/api';
import { recordAudit } from '../audit/audit-store';
import { getConfig } from '../config';
import { log } from '../log';
import { storage, type Db } from '../storage';
import { change, type Change } from '../events/change';
import type { ServerSession, ServerUser } from '../types';
import { findUserById } from '../users/user-store';
import { endedSessionFacts, findEndedSession } from './ended-session-store';
import { appendLoginTaken } from './login-events';
import {
	decideSession,
	noticeForEnding,
	sessionExpiresAt,
	shouldTouch,
	type SessionTimes
} from './session-decision';
import { createSession } from './session-start';
import {
	findSessionRow,
	findTheftOtherParty,
	sessionFacts,
	sessionTimes,
	toLuciaSeconds,
	toServerSession,
	type SessionRow
} from './session-store';
import { hashSessionToken } from './token';
import { prepared } from '../storage/sqlite/statements';

export type SessionCheck =
	| { session: ServerSession; user: ServerUser; newToken?: string }
	| { session: null; user: null; notice?: SessionNotice; newToken?: undefined };

/** No session: the cookie is cleared, and a notice tells why when there is one to tell. */
const none = (notice?: SessionNotice): SessionCheck => ({ session: null, user: null, notice });

/**
 * Checks the token of a request's cookie against the session rules (docs/security.md). `mayRotate` is false for the
 * stream's upgrade, which never hands out a cookie.
 */
export async function checkSessionToken(
	token: string,
	options: { userAgent: string; mayRotate: boolean; now?: number }
): Promise<SessionCheck> {
	const times = sessionTimes(getConfig());
	const now = options.now ?? Date.now();
	const id = hashSessionToken(token);
	// Most requests present a session that is valid and needs no write: a read decides them.
	const read = await storage().read((db): SessionCheck | null => {
		const row = findSessionRow(db, id);
		if (!row) return checkEnded(db, id, now, times);
		const decision = decideSession(sessionFacts(db, row), now, times);
		// The upgrade never rotates: the stream sees the session is due and closes `rotated` at once.
		const accepted = decision === 'valid' || (decision === 'rotate' && !options.mayRotate);
		if (!accepted || row.received === 0 || shouldTouch(row.last_seen_at, now, times)) return null;
		return present(db, row, now, times);
	});
	if (read) return read;

	// Every decision that writes runs in one write transaction, on a fresh read, so two requests
	// cannot both act.
	return change(async (tx): Promise<SessionCheck> => {
		const fresh = findSessionRow(tx.db, id);
		if (!fresh) return checkEnded(tx.db, id, now, times);
		switch (decideSession(sessionFacts(tx.db, fresh), now, times)) {
			case 'valid':
				return present(tx.db, fresh, now, times);
			case 'expired':
				prepared(tx.db, 'DELETE FROM session WHERE id = ?').run(id);
				return none();
			case 'taken':
				return none('session-taken');
			case 'ended':
				return none(noticeForEnding(fresh.ended_reason ?? ''));
			case 'rotate':
				if (!options.mayRotate) return present(tx.db, fresh, now, times);
				tx.announceSessionEnded({ sessionIds: [fresh.id], reason: 'rotated' });
				return rotate(tx, fresh, options.userAgent);
			case 're-rotate':
				// As with a due session: the stream opens and closes `rotated` at once.
				if (!options.mayRotate) return present(tx.db, fresh, now, times);
				if (fresh.successor) supersede(tx, fresh.successor);
				return rotate(tx, fresh, options.userAgent);
			case 'grace':
				return presentCurrent(tx.db, fresh, times);
			case 'theft':
				endFamilyAsTaken(tx, fresh, options.userAgent);
				tx.afterCommit(() => {
					log().warn(
						{ event: 'session-taken', userId: fresh.user_id, family: fresh.family },
						'a session was used by two parties: its login was ended'
					);
				});
				tx.announceSessionEnded({ family: fresh.family, reason: 'taken' });
				return none('session-taken');
		}
	}, now);
}

/**
 * A token with no session may name the tombstone of an ended login: it never lives again, and
 * its holder is told why until it would have expired. The sweep deletes it after.
 */
function checkEnded(db: Db, id: string, now: number, times: SessionTimes): SessionCheck {
	const ended = findEndedSession(db, id);
	if (!ended || decideSession(endedSessionFacts(ended), now, times) !== 'ended') return none();
	return none(noticeForEnding(ended.reason));
}

function present(db: Db, row: SessionRow, now: number, times: SessionTimes): SessionCheck {
	const user = findUserById(db, row.user_id);
	if (!user || user.suspendedAt) return none();
	const touch = shouldTouch(row.last_seen_at, now, times);
	if (row.received === 0 || touch) {
		const lastSeenAt = touch ? now : row.last_seen_at;
		const expiresAt = sessionExpiresAt(
			{ lastSeenAt, familyCreatedAt: row.family_created_at },
			times
		);
		prepared(
			db,
			'UPDATE session SET received = 1, last_seen_at = ?, expires_at = ? WHERE id = ?'
		).run(lastSeenAt, toLuciaSeconds(expiresAt), row.id);
		if (touch) prepared(db, 'UPDATE user SET last_seen_at = ? WHERE id = ?').run(now, row.user_id);
		row = { ...row, received: 1, last_seen_at: lastSeenAt };
	}
	return { session: toServerSession(row, times), user };
}

/** Within the grace window an old cookie stands for its family's current session. */
function presentCurrent(db: Db, row: SessionRow, times: SessionTimes): SessionCheck {
	let current: SessionRow | undefined = row;
	while (current?.successor) current = findSessionRow(db, current.successor);
	if (!current || current.ended_reason !== null) return none();
	const user = findUserById(db, current.user_id);
	if (!user) return none();
	return { session: toServerSession(current, times), user };
}

/**
 * The successor never reached a browser that used it: the response carrying it was lost, or
 * nobody has used it yet. It stays as a tombstone, so that if it is ever presented, two parties
 * held the family (theft). A stream opened through the grace window may be indexed by it.
 */
function supersede(tx: Change, id: string): void {
	prepared(
		tx.db,
		"UPDATE session SET ended_reason = 'superseded', ended_at = ? WHERE id = ? AND ended_reason IS NULL"
	).run(tx.now, id);
	tx.announceSessionEnded({ sessionIds: [id], reason: 'rotated' });
}

/**
 * A new session in the same family, new token; the old one links to it. The old one was just
 * presented, so it counts as received even when it is rotated by that very request.
 */
async function rotate(tx: Change, row: SessionRow, userAgent: string): Promise<SessionCheck> {
	const user = findUserById(tx.db, row.user_id);
	if (!user) return none();
	const { token, session } = await createSession(tx, {
		userId: row.user_id,
		userAgent: userAgent || row.user_agent,
		family: row.family,
		familyCreatedAt: row.family_created_at
	});
	prepared(
		tx.db,
		'UPDATE session SET rotated_at = ?, successor = ?, last_seen_at = ?, received = 1 WHERE id = ?'
	).run(tx.now, session.id, tx.now, row.id);
	return { session, user, newToken: token };
}

/** Two parties hold one session: end the whole family, keep it as tombstones, tell the user. */
function endFamilyAsTaken(tx: Change, row: SessionRow, userAgent: string): void {
	// The other party holds the family's live session (or the newest one) before it ends.
	const other = findTheftOtherParty(tx.db, row);
	prepared(
		tx.db,
		`UPDATE session SET ended_reason = 'taken', ended_at = ?
			WHERE family = ? AND (ended_reason IS NULL OR ended_reason = 'superseded')`
	).run(tx.now, row.family);
	prepared(
		tx.db,
		`INSERT INTO security_record (user_id, kind, created_at, user_agent, other_user_agent)
			VALUES (?, 'session-taken', ?, ?, ?)`
	).run(row.user_id, tx.now, userAgent.slice(0, 512), other.slice(0, 512));
	appendLoginTaken(tx, row.user_id, row.family);
	recordAudit(tx, {
		actor: null,
		action: 'session-taken',
		target: findUserById(tx.db, row.user_id) ?? null,
		quoted: userAgent
	});
}
