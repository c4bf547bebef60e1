import type { SessionEndReason } from '$lib/api';
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
