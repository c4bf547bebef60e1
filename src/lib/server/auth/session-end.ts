import type { SessionEndReason } from '$lib/api';
import type { Db } from '../db';
import { getLucia } from './lucia';
import type { SessionEnd } from './session-ended';

/**
 * Ends a login: every session of its family goes, so no rotated predecessor can later be
 * presented and rotated back to life. Returns what to announce once the change commits.
 */
export function endFamily(db: Db, family: string, reason: SessionEndReason): SessionEnd {
	db.prepare('DELETE FROM session WHERE family = ?').run(family);
	return { family, reason };
}

/** Ends every login of the user but the one in `keepFamily` (a password change, "end all others"). */
export function endOtherFamilies(
	db: Db,
	userId: string,
	keepFamily: string,
	reason: SessionEndReason
): SessionEnd[] {
	const families = db
		.prepare('SELECT DISTINCT family FROM session WHERE user_id = ? AND family != ?')
		.pluck()
		.all(userId, keepFamily) as string[];
	return families.map((family) => endFamily(db, family, reason));
}

/** Deletes sessions past their end, tombstones of stolen families included (contract §5). */
export async function sweepExpiredSessions(): Promise<void> {
	await getLucia(false).deleteExpiredSessions();
}
