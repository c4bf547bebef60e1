import type { SessionEndReason } from '$lib/api';
import { getConfig } from '../config';
import { change, type Change } from '../storage';
import { appendLoginEnded } from './login-events';
import type { SessionEnding } from '../types';
import { sessionTimes } from './session-rows';

/** The stream's close reason for an ending: a password change closes as any revocation does. */
const closeReasonOf = (ending: SessionEnding): SessionEndReason =>
	ending === 'password-changed' ? 'revoked' : ending;

/**
 * Ends a login: every session of its family becomes a tombstone that decides as ended, so no
 * rotated predecessor can later be presented and rotated back to life, and whoever presents
 * one is told why. The account's sessions list tells of it; its streams close once the change
 * commits.
 */
export async function endFamily(
	tx: Change,
	userId: string,
	family: string,
	ending: SessionEnding
): Promise<void> {
	await tx.endedSessions.endFamily(family, ending, sessionTimes(getConfig()));
	appendLoginEnded(tx, userId, family);
	tx.announceSessionEnded({ family, reason: closeReasonOf(ending) });
}

/**
 * Ends every login of the user, or every one but `keepFamily` ("end all others"); a password
 * change ends them all, the current one included.
 */
export async function endUserFamilies(
	tx: Change,
	userId: string,
	ending: SessionEnding,
	keepFamily: string | null = null
): Promise<number> {
	const families = await tx.sessions.openFamiliesOf(userId, keepFamily);
	for (const family of families) await endFamily(tx, userId, family, ending);
	return families.length;
}

/** Deletes sessions past their end, tombstones of every kind included (docs/security.md). */
export async function sweepExpiredSessions(now = Date.now()): Promise<void> {
	await change(async (tx) => {
		// Lucia's expires_at is in whole seconds.
		await tx.sessions.deleteExpired(Math.floor(now / 1000));
		await tx.endedSessions.prune(now);
	});
}
