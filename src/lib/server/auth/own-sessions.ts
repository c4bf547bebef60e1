import type { ApiAccountSecurity, ApiOwnSession, ApiSecurityRecord } from '$lib/api';
import type { Db } from '../storage';
import { change } from '../events/change';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { requireActor } from './actor';
import { spendWrite } from './write-budget';
import { endFamily, endUserFamilies } from './session-end';
import { prepared } from '../storage/sqlite/statements';

/**
 * The user's logins, one per family, named by the family: rotation changes the session but not
 * the login a person recognises. Rotated predecessors and tombstones are bookkeeping.
 */
export function listOwnSessions(db: Db, userId: string): ApiOwnSession[] {
	return prepared(
		db,
		`SELECT family AS id, family_created_at AS createdAt, last_seen_at AS lastSeenAt,
				user_agent AS userAgent
			FROM session WHERE user_id = ? AND rotated_at IS NULL AND ended_reason IS NULL
			ORDER BY last_seen_at DESC, family`
	).all(userId) as ApiOwnSession[];
}

export function listSecurityRecords(db: Db, userId: string): ApiSecurityRecord[] {
	return prepared(
		db,
		`SELECT kind, created_at AS createdAt, user_agent AS userAgent,
				other_user_agent AS otherUserAgent FROM security_record
			WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 50`
	).all(userId) as ApiSecurityRecord[];
}

export function readAccountSecurity(db: Db, userId: string): ApiAccountSecurity {
	return {
		userId,
		sessions: listOwnSessions(db, userId),
		securityRecords: listSecurityRecords(db, userId)
	};
}

/** Marks "this session" for an answer to the request that presented it. */
export function markCurrent(sessions: ApiOwnSession[], current: ServerSession): ApiOwnSession[] {
	return sessions.map((session) => ({ ...session, current: session.id === current.family }));
}

/**
 * Ends one of the account's logins; ending the current one is a logout, which the write budget
 * never refuses: a login must always be able to end, and logins themselves are limited.
 */
export async function endOwnSession(
	current: ServerSession,
	family: string
): Promise<'logged-out' | 'revoked'> {
	return change((tx) => {
		const user = requireActor(tx, current);
		if (family !== current.family) spendWrite(tx, user);
		const owned = prepared(
			tx.db,
			'SELECT 1 FROM session WHERE user_id = ? AND family = ? AND ended_reason IS NULL'
		).get(current.userId, family);
		if (!owned) throw new Refusal(404, 'no such session');
		const reason = family === current.family ? 'logged-out' : 'revoked';
		endFamily(tx, current.userId, family, reason);
		return reason;
	});
}

/** Ends every login of the account but the current one ("end all other sessions"). */
export async function endOtherOwnSessions(current: ServerSession): Promise<void> {
	await change((tx) => {
		spendWrite(tx, requireActor(tx, current));
		endUserFamilies(tx, current.userId, 'revoked', current.family);
	});
}
