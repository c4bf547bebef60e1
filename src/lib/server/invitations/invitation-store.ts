import type { ApiInvitation } from '$lib/api';
import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

interface InvitationRow {
	id: string;
	created_by: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
	used_by: string | null;
}

const columns = 'id, created_by, created_at, expires_at, used_at, used_by';

function toApiInvitation(row: InvitationRow): ApiInvitation {
	return {
		id: row.id,
		createdAt: row.created_at,
		expiresAt: row.expires_at,
		usedAt: row.used_at,
		createdBy: row.created_by,
		usedBy: row.used_by
	};
}

export function insertInvitation(db: Db, invitation: ApiInvitation, tokenHash: string): void {
	prepared(
		db,
		`INSERT INTO invitation (id, token_hash, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`
	).run(invitation.id, tokenHash, invitation.createdBy, invitation.createdAt, invitation.expiresAt);
}

export function findInvitationByTokenHash(db: Db, tokenHash: string): ApiInvitation | undefined {
	const row = prepared(db, `SELECT ${columns} FROM invitation WHERE token_hash = ?`).get(
		tokenHash
	) as InvitationRow | undefined;
	return row && toApiInvitation(row);
}

/** Newest first. */
export function listInvitations(db: Db): ApiInvitation[] {
	return (
		prepared(
			db,
			`SELECT ${columns} FROM invitation ORDER BY created_at DESC, id`
		).all() as InvitationRow[]
	).map(toApiInvitation);
}

/** True when it existed. */
export function deleteInvitation(db: Db, id: string): boolean {
	return prepared(db, 'DELETE FROM invitation WHERE id = ?').run(id).changes === 1;
}

/** True when this call used it; false when it was already used. */
export function markInvitationUsed(db: Db, id: string, userId: string, now: number): boolean {
	return (
		prepared(
			db,
			'UPDATE invitation SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL'
		).run(now, userId, id).changes === 1
	);
}
