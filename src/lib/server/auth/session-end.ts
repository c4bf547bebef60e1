import type { SessionEndReason } from '$lib/api';
import type { Change } from '../events/change';
import { getLucia } from './lucia';
import { announceSessionEnded } from './session-ended';
import { prepared } from '../db/statements';

/**
 * Ends a login: every session of its family goes, so no rotated predecessor can later be
 * presented and rotated back to life. Its streams close once the change commits.
 */
export function endFamily(tx: Change, family: string, reason: SessionEndReason): void {
	prepared(tx.db, 'DELETE FROM session WHERE family = ?').run(family);
	tx.afterCommit(() => announceSessionEnded({ family, reason }));
}

/** Ends every login of the user but `keepFamily` ("end all others"). */
export function endOtherFamilies(
	tx: Change,
	userId: string,
	keepFamily: string,
	reason: SessionEndReason
): number {
	const families = prepared(
		tx.db,
		'SELECT DISTINCT family FROM session WHERE user_id = ? AND family != ? AND ended_reason IS NULL'
	)
		.pluck()
		.all(userId, keepFamily) as string[];
	for (const family of families) endFamily(tx, family, reason);
	return families.length;
}

/** Ends every login of the user, the current one included (a password change). */
export function endUserFamilies(tx: Change, userId: string, reason: SessionEndReason): void {
	const families = prepared(
		tx.db,
		'SELECT DISTINCT family FROM session WHERE user_id = ? AND ended_reason IS NULL'
	)
		.pluck()
		.all(userId) as string[];
	for (const family of families) endFamily(tx, family, reason);
}

/** Deletes sessions past their end, tombstones of stolen families included (contract §5). */
export async function sweepExpiredSessions(): Promise<void> {
	await getLucia(false).deleteExpiredSessions();
}
