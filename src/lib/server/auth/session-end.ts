import type { SessionEndReason } from '$lib/api';
import { getLucia } from './lucia';
import { announceSessionEnded } from './session-ended';

/** Ends one session (logout, revocation) and closes its streams. */
export async function endSession(sessionId: string, reason: SessionEndReason): Promise<void> {
	await getLucia(false).invalidateSession(sessionId);
	announceSessionEnded({ sessionIds: [sessionId], reason });
}

/** Deletes sessions past their end, tombstones of stolen families included (contract §5). */
export async function sweepExpiredSessions(): Promise<void> {
	await getLucia(false).deleteExpiredSessions();
}
