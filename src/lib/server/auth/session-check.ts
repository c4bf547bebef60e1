import type { SessionNotice } from '$lib/api';
import { getConfig } from '../config';
import { getDb, type Db } from '../db';
import type { ServerSession, ServerUser } from '../types';
import { findUserById } from '../users/user-store';
import { decideSession, sessionExpiresAt, shouldTouch, type SessionTimes } from './session-decision';
import { announceSessionEnded, type SessionEnd } from './session-ended';
import {
	findSessionRow,
	insertSession,
	newSessionRow,
	sessionFacts,
	sessionTimes,
	toLuciaSeconds,
	toServerSession,
	type SessionRow
} from './session-store';
import { generateSessionToken, hashSessionToken } from './token';

export type SessionCheck =
	| { session: ServerSession; user: ServerUser; newToken?: string }
	| { session: null; user: null; clearCookie: boolean; notice?: SessionNotice; newToken?: undefined };

const none = (notice?: SessionNotice): SessionCheck => ({
	session: null,
	user: null,
	clearCookie: true,
	notice
});

/**
 * Checks the token of a request's cookie against contract §5. `mayRotate` is false for the
 * stream's upgrade, which never hands out a cookie.
 */
export function checkSessionToken(
	token: string,
	options: { userAgent: string; mayRotate: boolean; now?: number }
): SessionCheck {
	const db = getDb();
	const times = sessionTimes(getConfig());
	const now = options.now ?? Date.now();
	const id = hashSessionToken(token);
	const row = findSessionRow(db, id);
	if (!row) return none();
	const decision = decideSession(sessionFacts(db, row), now, times);
	if (decision === 'valid') return present(db, row, now, times);
	// The upgrade never rotates: the stream sees the session is due and closes `rotated` at once.
	if (decision === 'rotate' && !options.mayRotate) return present(db, row, now, times);

	// Every decision about rotation runs in one write transaction so two requests cannot both act.
	const ended: SessionEnd[] = [];
	const check = db
		.transaction((): SessionCheck => {
			const fresh = findSessionRow(db, id);
			if (!fresh) return none();
			switch (decideSession(sessionFacts(db, fresh), now, times)) {
				case 'valid':
					return present(db, fresh, now, times);
				case 'expired':
					db.prepare('DELETE FROM session WHERE id = ?').run(id);
					return none();
				case 'taken':
					return none('session-taken');
				case 'rotate':
					if (!options.mayRotate) return present(db, fresh, now, times);
					ended.push({ sessionIds: [fresh.id], reason: 'rotated' });
					return rotate(db, fresh, now, times, options.userAgent);
				case 're-rotate':
					if (!options.mayRotate) return none();
					// The successor never reached its browser; it has no stream and no other holder.
					if (fresh.successor) db.prepare('DELETE FROM session WHERE id = ?').run(fresh.successor);
					return rotate(db, fresh, now, times, options.userAgent);
				case 'grace':
					return presentCurrent(db, fresh, now, times);
				case 'theft':
					endFamilyAsTaken(db, fresh, now, options.userAgent);
					ended.push({ family: fresh.family, reason: 'taken' });
					return none('session-taken');
			}
		})
		.immediate();
	for (const end of ended) announceSessionEnded(end);
	return check;
}

function present(db: Db, row: SessionRow, now: number, times: SessionTimes): SessionCheck {
	const user = findUserById(db, row.user_id);
	if (!user) return none();
	if (row.received === 0 || shouldTouch(row.last_seen_at, now, times)) {
		const lastSeenAt = shouldTouch(row.last_seen_at, now, times) ? now : row.last_seen_at;
		const expiresAt = sessionExpiresAt(
			{ lastSeenAt, familyCreatedAt: row.family_created_at },
			times
		);
		db.prepare(
			'UPDATE session SET received = 1, last_seen_at = ?, expires_at = ? WHERE id = ?'
		).run(lastSeenAt, toLuciaSeconds(expiresAt), row.id);
		db.prepare('UPDATE user SET last_seen_at = ? WHERE id = ?').run(lastSeenAt, row.user_id);
		row = { ...row, received: 1, last_seen_at: lastSeenAt };
	}
	return { session: toServerSession(row, times), user };
}

/** Within the grace window an old cookie stands for its family's current session. */
function presentCurrent(db: Db, row: SessionRow, now: number, times: SessionTimes): SessionCheck {
	let current: SessionRow | undefined = row;
	while (current?.successor) current = findSessionRow(db, current.successor);
	if (!current || current.ended_reason !== null) return none();
	const user = findUserById(db, current.user_id);
	if (!user) return none();
	return { session: toServerSession(current, times), user };
}

function rotate(
	db: Db,
	row: SessionRow,
	now: number,
	times: SessionTimes,
	userAgent: string
): SessionCheck {
	const user = findUserById(db, row.user_id);
	if (!user) return none();
	const token = generateSessionToken();
	const successor = newSessionRow(
		{
			id: hashSessionToken(token),
			userId: row.user_id,
			userAgent: userAgent || row.user_agent,
			family: row.family,
			familyCreatedAt: row.family_created_at
		},
		now,
		times
	);
	insertSession(db, successor);
	db.prepare('UPDATE session SET rotated_at = ?, successor = ?, last_seen_at = ? WHERE id = ?').run(
		now,
		successor.id,
		now,
		row.id
	);
	return { session: toServerSession(findSessionRow(db, successor.id)!, times), user, newToken: token };
}

function endFamilyAsTaken(db: Db, row: SessionRow, now: number, userAgent: string): void {
	db.prepare(
		`UPDATE session SET ended_reason = 'taken', ended_at = ?
		WHERE family = ? AND ended_reason IS NULL`
	).run(now, row.family);
	db.prepare(
		`INSERT INTO security_record (user_id, kind, created_at, user_agent)
		VALUES (?, 'session-taken', ?, ?)`
	).run(row.user_id, now, userAgent.slice(0, 512));
}
