import type { ApiAuditRecord, AuditAction } from '$lib/api';
import type { Db } from '../db';
import type { Change } from '../events/change';
import { prepared } from '../db/statements';

interface Named {
	id: string;
	name: string;
}

/**
 * Writes one audit row inside the change it tells of: a refused or rolled back action leaves
 * none, a committed one always has its row.
 */
export function recordAudit(
	tx: Change,
	row: { actor: Named | null; action: AuditAction; target: Named | null; detail?: string }
): void {
	prepared(
		tx.db,
		`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?)`
	).run(
		tx.now,
		row.actor?.id ?? null,
		row.actor?.name ?? null,
		row.action,
		row.target?.id ?? null,
		row.target?.name ?? null,
		(row.detail ?? '').slice(0, 512)
	);
}

/** The latest rows, newest first. */
export function listAudit(db: Db, limit = 200): ApiAuditRecord[] {
	return prepared(
		db,
		`SELECT id, at, actor_id AS actorId, actor_name AS actorName, action,
				target_id AS targetId, target_name AS targetName, detail
			FROM audit ORDER BY at DESC, id DESC LIMIT ?`
	).all(limit) as ApiAuditRecord[];
}

/** Deletes rows written before `before` (ms), as security records are (same retention). */
export function pruneAudit(db: Db, before: number): number {
	return prepared(db, 'DELETE FROM audit WHERE at < ?').run(before).changes;
}
