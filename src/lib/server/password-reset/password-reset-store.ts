import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

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

/**
 * Ends the unused links an admin made: they stand on the maker's authority, which goes when
 * the maker is demoted, suspended or deleted (deletion would otherwise leave `created_by` null,
 * which reads as the operator's command).
 */
export function deletePasswordResetsMadeBy(db: Db, makerId: string): number {
	return prepared(db, 'DELETE FROM password_reset WHERE created_by = ? AND used_at IS NULL').run(
		makerId
	).changes;
}

/** Revokes one unused link of the user; false when there is no such link. */
export function deleteUnusedPasswordReset(db: Db, userId: string, id: string): boolean {
	return (
		prepared(db, 'DELETE FROM password_reset WHERE id = ? AND user_id = ? AND used_at IS NULL').run(
			id,
			userId
		).changes === 1
	);
}

/** The user's links that could still be used at `now`, newest first, with their maker's name. */
export function listOutstandingPasswordResets(db: Db, userId: string, now: number) {
	return prepared(
		db,
		`SELECT r.id, r.created_at AS createdAt, r.expires_at AS expiresAt,
				r.created_by AS createdById, u.name AS createdByName
			FROM password_reset r LEFT JOIN user u ON u.id = r.created_by
			WHERE r.user_id = ? AND r.used_at IS NULL AND r.expires_at > ?
			ORDER BY r.created_at DESC, r.id`
	).all(userId, now) as {
		id: string;
		createdAt: number;
		expiresAt: number;
		createdById: string | null;
		createdByName: string | null;
	}[];
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
