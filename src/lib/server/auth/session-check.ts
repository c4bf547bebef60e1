import type { SessionNotice } from '$lib/api';
import { recordAudit } from '../audit/audit-trail';
import { getConfig } from '../config';
import { log } from '../log';
import { storage, type Records, change, type Change } from '../storage';
import type { ServerSession, ServerUser } from '../types';
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
	endedSessionFacts,
	sessionFacts,
	sessionTimes,
	toLuciaSeconds,
	toServerSession
} from './session-rows';
import type { SessionRow } from '../storage/records/sessions';
import { hashSessionToken } from './token';

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
	const read = await storage().read(async (records): Promise<SessionCheck | null> => {
		const row = await records.sessions.find(id);
		if (!row) return checkEnded(records, id, now, times);
		const decision = decideSession(await sessionFacts(records, row), now, times);
		// The upgrade never rotates: the stream sees the session is due and closes `rotated` at once.
		const accepted = decision === 'valid' || (decision === 'rotate' && !options.mayRotate);
		if (!accepted || row.received === 0 || shouldTouch(row.last_seen_at, now, times)) return null;
		return present(records, row, now, times);
	});
	if (read) return read;

	// Every decision that writes runs in one write transaction, on a fresh read, so two requests
	// cannot both act.
	return change(async (tx): Promise<SessionCheck> => {
		const fresh = await tx.sessions.find(id);
		if (!fresh) return checkEnded(tx, id, now, times);
		switch (decideSession(await sessionFacts(tx, fresh), now, times)) {
			case 'valid':
				return present(tx, fresh, now, times);
			case 'expired':
				await tx.sessions.delete(id);
				return none();
			case 'taken':
				return none('session-taken');
			case 'ended':
				return none(noticeForEnding(fresh.ended_reason ?? ''));
			case 'rotate':
				if (!options.mayRotate) return present(tx, fresh, now, times);
				tx.announceSessionEnded({ sessionIds: [fresh.id], reason: 'rotated' });
				return rotate(tx, fresh, options.userAgent);
			case 're-rotate':
				// As with a due session: the stream opens and closes `rotated` at once.
				if (!options.mayRotate) return present(tx, fresh, now, times);
				if (fresh.successor) await supersede(tx, fresh.successor);
				return rotate(tx, fresh, options.userAgent);
			case 'grace':
				return presentCurrent(tx, fresh, times);
			case 'theft':
				await endFamilyAsTaken(tx, fresh, options.userAgent);
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
async function checkEnded(
	records: Records,
	id: string,
	now: number,
	times: SessionTimes
): Promise<SessionCheck> {
	const ended = await records.endedSessions.find(id);
	if (!ended || decideSession(endedSessionFacts(ended), now, times) !== 'ended') return none();
	return none(noticeForEnding(ended.reason));
}

async function present(
	records: Records,
	row: SessionRow,
	now: number,
	times: SessionTimes
): Promise<SessionCheck> {
	const user = await records.users.find(row.user_id);
	if (!user || user.suspendedAt) return none();
	const touch = shouldTouch(row.last_seen_at, now, times);
	if (row.received === 0 || touch) {
		const lastSeenAt = touch ? now : row.last_seen_at;
		const expiresAt = sessionExpiresAt(
			{ lastSeenAt, familyCreatedAt: row.family_created_at },
			times
		);
		await records.sessions.markSeen(row.id, lastSeenAt, toLuciaSeconds(expiresAt));
		if (touch) await records.users.setLastSeen(row.user_id, now);
		row = { ...row, received: 1, last_seen_at: lastSeenAt };
	}
	return { session: toServerSession(row, times), user };
}

/** Within the grace window an old cookie stands for its family's current session. */
async function presentCurrent(
	records: Records,
	row: SessionRow,
	times: SessionTimes
): Promise<SessionCheck> {
	let current: SessionRow | undefined = row;
	while (current?.successor) current = await records.sessions.find(current.successor);
	if (!current || current.ended_reason !== null) return none();
	const user = await records.users.find(current.user_id);
	if (!user) return none();
	return { session: toServerSession(current, times), user };
}

/**
 * The successor never reached a browser that used it: the response carrying it was lost, or
 * nobody has used it yet. It stays as a tombstone, so that if it is ever presented, two parties
 * held the family (theft). A stream opened through the grace window may be indexed by it.
 */
async function supersede(tx: Change, id: string): Promise<void> {
	await tx.sessions.supersede(id, tx.now);
	tx.announceSessionEnded({ sessionIds: [id], reason: 'rotated' });
}

/**
 * A new session in the same family, new token; the old one links to it. The old one was just
 * presented, so it counts as received even when it is rotated by that very request.
 */
async function rotate(tx: Change, row: SessionRow, userAgent: string): Promise<SessionCheck> {
	const user = await tx.users.find(row.user_id);
	if (!user) return none();
	const { token, session } = await createSession(tx, {
		userId: row.user_id,
		userAgent: userAgent || row.user_agent,
		family: row.family,
		familyCreatedAt: row.family_created_at
	});
	await tx.sessions.markRotated(row.id, session.id, tx.now);
	return { session, user, newToken: token };
}

/** Two parties hold one session: end the whole family, keep it as tombstones, tell the user. */
async function endFamilyAsTaken(tx: Change, row: SessionRow, userAgent: string): Promise<void> {
	// The other party holds the family's live session (or the newest one) before it ends.
	const other = await tx.sessions.otherPartyOf(row.family, row.id);
	await tx.sessions.markFamilyTaken(row.family, tx.now);
	await tx.securityRecords.add(row.user_id, {
		kind: 'session-taken',
		createdAt: tx.now,
		userAgent: userAgent.slice(0, 512),
		otherUserAgent: other.slice(0, 512)
	});
	await appendLoginTaken(tx, row.user_id, row.family);
	await recordAudit(tx, {
		actor: null,
		action: 'session-taken',
		target: (await tx.users.find(row.user_id)) ?? null,
		quoted: userAgent
	});
}
