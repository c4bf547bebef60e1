import type { SessionNotice } from '$lib/api';
import { sessionEndings, type SessionEnding } from '../types';

const isEnding = (reason: string | null): reason is SessionEnding =>
	(sessionEndings as readonly (string | null)[]).includes(reason);

/** What the server knows of a presented session, reduced to what the session rules (docs/security.md) need. */
export interface SessionFacts {
	familyCreatedAt: number;
	rotatesAt: number;
	lastSeenAt: number;
	rotatedAt: number | null;
	/** Whether the successor was ever presented; null when the session was never rotated. */
	successorReceived: boolean | null;
	/**
	 * 'taken': a tombstone of a family ended for theft; 'superseded': an unused successor; a
	 * `SessionEnding`: a tombstone of a login ended otherwise.
	 */
	endedReason: string | null;
	/**
	 * How many successors of this key were rotated again from it and superseded unused. Needed
	 * only once it is rotated with a successor never received; 0 when not given.
	 */
	supersededSuccessors?: number;
}

/**
 * How often a key may be rotated again after its successor went unused. Each time leaves a
 * tombstone for the successor it supersedes; beyond this, the key is treated as held by two
 * parties, so however often it is presented, one login keeps a bounded number of rows.
 */
export const maxReRotations = 3;

export interface SessionTimes {
	rotateMs: number;
	graceMs: number;
	idleMs: number;
	maxMs: number;
}

type SessionDecision =
	'valid' | 'rotate' | 'grace' | 're-rotate' | 'theft' | 'expired' | 'taken' | 'ended';

/** Sliding idle expiry, never past the family's absolute lifetime. */
export function sessionExpiresAt(
	facts: Pick<SessionFacts, 'lastSeenAt' | 'familyCreatedAt'>,
	times: SessionTimes
): number {
	return Math.min(facts.lastSeenAt + times.idleMs, facts.familyCreatedAt + times.maxMs);
}

export function decideSession(
	facts: SessionFacts,
	now: number,
	times: SessionTimes
): SessionDecision {
	if (now >= sessionExpiresAt(facts, times)) return 'expired';
	if (facts.endedReason === 'taken') return 'taken';
	// A successor is superseded only while nobody had used it: whoever uses it now is a second
	// holder beside the one who rotated again from its predecessor.
	if (facts.endedReason === 'superseded') return 'theft';
	if (isEnding(facts.endedReason)) return 'ended';
	if (facts.endedReason !== null) return 'expired';
	if (facts.rotatedAt === null) return now >= facts.rotatesAt ? 'rotate' : 'valid';
	// Several tabs and parallel requests may still carry the old cookie for a moment.
	if (now < facts.rotatedAt + times.graceMs) return 'grace';
	// Nobody ever presented the successor: the response carrying it was lost. Lost again and
	// again, each time after the grace window, is no browser's lost response but a copy of the
	// key presented over and over, beside whoever was handed its successors.
	if (!facts.successorReceived) {
		return (facts.supersededSuccessors ?? 0) < maxReRotations ? 're-rotate' : 'theft';
	}
	return 'theft';
}

/** Refreshing last-seen on every request would write on every read; a coarse step is enough. */
export function shouldTouch(lastSeenAt: number, now: number, times: SessionTimes): boolean {
	return now - lastSeenAt >= Math.min(60_000, times.idleMs / 20);
}

/** What the person presenting an ended session is told; they clicked "Log out" themself. */
export function noticeForEnding(ending: string): SessionNotice | undefined {
	switch (ending) {
		case 'revoked':
			return 'session-ended-elsewhere';
		case 'password-changed':
			return 'password-changed';
		case 'deleted':
			return 'user-deleted';
		case 'suspended':
			return 'user-suspended';
		default:
			return undefined;
	}
}
