import type { SessionEndReason } from '$lib/api';
import type { Change } from '../events/change';
import { appendLoginEnded } from './login-events';
import { getLucia } from './lucia';
import { announceSessionEnded } from './session-ended';
import { prepared } from '../db/statements';

/**
 * Ends a login: every session of its family goes, so no rotated predecessor can later be
 * presented and rotated back to life. The account's sessions list tells of it; its streams
 * close once the change commits.
 */
export function endFamily(
	tx: Change,
	userId: string,
	family: string,
	reason: SessionEndReason
): void {
	prepared(tx.db, 'DELETE FROM session WHERE family = ?').run(family);
	appendLoginEnded(tx, userId, family);
	tx.afterCommit(() => announceSessionEnded({ family, reason }));
}

/**
 * Ends every login of the user, or every one but `keepFamily` ("end all others"); a password
 * change ends them all, the current one included.
 */
export function endUserFamilies(
	tx: Change,
	userId: string,
	reason: SessionEndReason,
	keepFamily: string | null = null
): number {
	const families = prepared(
		tx.db,
		'SELECT DISTINCT family FROM session WHERE user_id = ? AND family IS NOT ? AND ended_reason IS NULL'
	)
		.pluck()
		.all(userId, keepFamily) as string[];
	for (const family of families) endFamily(tx, userId, family, reason);
	return families.length;
}

/** Deletes sessions past their end, tombstones of stolen families included (contract §5). */
export async function sweepExpiredSessions(): Promise<void> {
	await getLucia(false).deleteExpiredSessions();
}
