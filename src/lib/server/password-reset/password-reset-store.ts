import type { Db } from '../db';
import { prepared } from '../db/statements';

/**
 * A password reset link's record: never its secret. scripts/reset-password.js writes the same
 * rows with the same SQL (it runs outside the app's build); keep the two alike.
 */
export interface PasswordResetRecord {
	id: string;
	userId: string;
	/** The admin who made it; null when the operator's command did. */
	createdBy: string | null;
	createdAt: number;
	expiresAt: number;
	usedAt: number | null;
}

interface PasswordResetRow {
	id: string;
	user_id: string;
	created_by: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
}

const toRecord = (row: PasswordResetRow): PasswordResetRecord => ({
	id: row.id,
	userId: row.user_id,
	createdBy: row.created_by,
	createdAt: row.created_at,
	expiresAt: row.expires_at,
	usedAt: row.used_at
});

export function insertPasswordReset(db: Db, reset: PasswordResetRecord, tokenHash: string): void {
	prepared(
		db,
		`INSERT INTO password_reset (id, token_hash, user_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`
	).run(reset.id, tokenHash, reset.userId, reset.createdBy, reset.createdAt, reset.expiresAt);
}

/** A new link replaces the user's earlier unused ones: only the latest one handed out works. */
export function deleteUnusedPasswordResets(db: Db, userId: string): number {
	return prepared(db, 'DELETE FROM password_reset WHERE user_id = ? AND used_at IS NULL').run(
		userId
	).changes;
}

export function findPasswordResetByTokenHash(
	db: Db,
	tokenHash: string
): PasswordResetRecord | undefined {
	const row = prepared(
		db,
		`SELECT id, user_id, created_by, created_at, expires_at, used_at
		FROM password_reset WHERE token_hash = ?`
	).get(tokenHash) as PasswordResetRow | undefined;
	return row && toRecord(row);
}

/** True when this call used it; false when it was already used. */
export function markPasswordResetUsed(db: Db, id: string, now: number): boolean {
	return (
		prepared(db, 'UPDATE password_reset SET used_at = ? WHERE id = ? AND used_at IS NULL').run(
			now,
			id
		).changes === 1
	);
}
