import type { Db } from '../db';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { endFamily } from './session-end';
import type { SessionEnd } from './session-ended';

export interface OwnSession {
	id: string;
	createdAt: number;
	lastSeenAt: number;
	userAgent: string;
	current: boolean;
}

/**
 * The user's logins, one per family: its current session, with the family's login time.
 * Rotated predecessors and tombstones are bookkeeping, not logins a person would recognise.
 */
export function listOwnSessions(db: Db, current: ServerSession): OwnSession[] {
	const rows = db
		.prepare(
			`SELECT public_id, family, family_created_at, last_seen_at, user_agent FROM session
			WHERE user_id = ? AND rotated_at IS NULL AND ended_reason IS NULL
			ORDER BY last_seen_at DESC`
		)
		.all(current.userId) as {
		public_id: string;
		family: string;
		family_created_at: number;
		last_seen_at: number;
		user_agent: string;
	}[];
	return rows.map((row) => ({
		id: row.public_id,
		createdAt: row.family_created_at,
		lastSeenAt: row.last_seen_at,
		userAgent: row.user_agent,
		current: row.family === current.family
	}));
}

function findFamilyOfOwnSession(db: Db, userId: string, publicId: string): string | undefined {
	return db
		.prepare('SELECT family FROM session WHERE user_id = ? AND public_id = ? AND ended_reason IS NULL')
		.pluck()
		.get(userId, publicId) as string | undefined;
}

export interface SecurityRecord {
	kind: string;
	createdAt: number;
	userAgent: string;
}

export function listSecurityRecords(db: Db, userId: string): SecurityRecord[] {
	return db
		.prepare(
			`SELECT kind, created_at AS createdAt, user_agent AS userAgent FROM security_record
			WHERE user_id = ? ORDER BY created_at DESC LIMIT 50`
		)
		.all(userId) as SecurityRecord[];
}

/** Ends one of the account's logins, found by its public id; the current one is a logout. */
export function endOwnSession(db: Db, current: ServerSession, publicId: string): SessionEnd {
	const family = findFamilyOfOwnSession(db, current.userId, publicId);
	if (!family) throw new Refusal(404, 'no such session');
	return endFamily(db, family, family === current.family ? 'logged-out' : 'revoked');
}
