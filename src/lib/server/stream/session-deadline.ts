import type { SessionEndReason } from '$lib/api';
import type { SessionRow } from '../storage/records/sessions';
import { toServerSession } from '../auth/session-rows';
import type { SessionTimes } from '../auth/session-decision';
import type { ServerSession } from '../types';

/**
 * When a stream's session stops being the right key by the clock alone: its rotation time, or
 * its expiry if that comes first. Other endings (logout, theft, …) are announced as they happen.
 */
export function sessionDeadline(session: Pick<ServerSession, 'rotatesAt' | 'expiresAt'>): {
	at: number;
	reason: SessionEndReason;
} {
	return session.expiresAt <= session.rotatesAt
		? { at: session.expiresAt, reason: 'expired' }
		: { at: session.rotatesAt, reason: 'rotated' };
}

/**
 * What a stream's timer finds at its deadline. Use elsewhere may have slid the idle expiry, so
 * only the stored session can tell whether the stream ends now or watches a later deadline.
 */
export function recheckStreamSession(
	row: SessionRow | undefined,
	now: number,
	times: SessionTimes
): { end: SessionEndReason } | { watch: ServerSession } {
	if (!row) return { end: 'expired' };
	if (row.ended_reason === 'taken') return { end: 'taken' };
	// Rotated, or superseded by a rotation from its predecessor: either way a newer key exists.
	if (row.rotated_at !== null || row.ended_reason !== null) return { end: 'rotated' };
	const current = toServerSession(row, times);
	if (now >= current.rotatesAt) return { end: 'rotated' };
	if (now >= current.expiresAt) return { end: 'expired' };
	return { watch: current };
}
