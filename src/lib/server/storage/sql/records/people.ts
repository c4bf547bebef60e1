import type { ApiInvitation, UserSort, UserType } from '$lib/api';
import type { ServerUser } from '../../../types';
import type {
	CalendarFeedRecords,
	InvitationRecords,
	PasswordResetRecord,
	PasswordResetRecords,
	UserRecords
} from '../../records/people';
import type { Db } from '../open';
import { prepared } from '../statements';
import { containing } from './like';

interface UserRow {
	id: string;
	name: string;
	password_hash: string;
	type: UserType;
	created_at: number;
	last_seen_at: number | null;
	suspended_at: number | null;
}

const toServerUser = (row: UserRow): ServerUser => ({
	id: row.id,
	name: row.name,
	type: row.type,
	createdAt: row.created_at,
	lastSeenAt: row.last_seen_at,
	suspendedAt: row.suspended_at
});

const orderBy: Record<UserSort, string> = {
	name: 'name COLLATE NOCASE',
	created: 'created_at',
	// Never-seen users sort as the oldest.
	lastSeen: 'COALESCE(last_seen_at, 0)'
};

export const sqliteUsers = (db: Db): UserRecords => ({
	async find(id) {
		const row = prepared(db, 'SELECT * FROM user WHERE id = ?').get(id) as UserRow | undefined;
		return row && toServerUser(row);
	},
	async findWithHashByName(name) {
		const row = prepared(db, 'SELECT * FROM user WHERE name = ? COLLATE NOCASE').get(name) as
			UserRow | undefined;
		return row && { user: toServerUser(row), passwordHash: row.password_hash };
	},
	async passwordHash(userId) {
		return prepared(db, 'SELECT password_hash FROM user WHERE id = ?').pluck().get(userId) as
			string | undefined;
	},
	async count() {
		return prepared(db, 'SELECT COUNT(*) FROM user').pluck().get() as number;
	},
	async list() {
		return (prepared(db, 'SELECT * FROM user ORDER BY created_at, id').all() as UserRow[]).map(
			toServerUser
		);
	},
	async query(query) {
		const direction = query.order === 'desc' ? 'DESC' : 'ASC';
		const where = query.q ? "WHERE name LIKE ? ESCAPE '\\'" : '';
		const params = query.q ? [containing(query.q)] : [];
		const rows = prepared(
			db,
			`SELECT * FROM user ${where} ORDER BY ${orderBy[query.sort]} ${direction}, id ${direction}
				LIMIT ? OFFSET ?`
		).all(...params, query.limit ?? -1, query.offset) as UserRow[];
		const total = prepared(db, `SELECT COUNT(*) FROM user ${where}`)
			.pluck()
			.get(...params) as number;
		return { users: rows.map(toServerUser), total };
	},
	async listShiftPeople() {
		return (
			prepared(
				db,
				`SELECT * FROM user
				WHERE type IN ('crew', 'admin') OR id IN (SELECT user_id FROM shift_crew)
				ORDER BY name COLLATE NOCASE, id`
			).all() as UserRow[]
		).map(toServerUser);
	},
	async countActiveAdmins() {
		return prepared(db, "SELECT COUNT(*) FROM user WHERE type = 'admin' AND suspended_at IS NULL")
			.pluck()
			.get() as number;
	},
	async insert(user, passwordHash) {
		prepared(
			db,
			`INSERT INTO user (id, name, password_hash, type, created_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`
		).run(user.id, user.name, passwordHash, user.type, user.createdAt, user.lastSeenAt);
	},
	async rename(id, name, type) {
		prepared(db, 'UPDATE user SET name = ?, type = ? WHERE id = ?').run(name, type, id);
	},
	async setSuspended(id, at, by) {
		prepared(db, 'UPDATE user SET suspended_at = ?, suspended_by = ? WHERE id = ?').run(at, by, id);
	},
	async setPasswordHash(id, passwordHash) {
		prepared(db, 'UPDATE user SET password_hash = ? WHERE id = ?').run(passwordHash, id);
	},
	async setLastSeen(id, at) {
		prepared(db, 'UPDATE user SET last_seen_at = ? WHERE id = ?').run(at, id);
	},
	async delete(id) {
		prepared(db, 'DELETE FROM user WHERE id = ?').run(id);
	}
});

interface InvitationRow {
	id: string;
	created_by: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
	used_by: string | null;
}

const invitationColumns = 'id, created_by, created_at, expires_at, used_at, used_by';

const toApiInvitation = (row: InvitationRow): ApiInvitation => ({
	id: row.id,
	createdAt: row.created_at,
	expiresAt: row.expires_at,
	usedAt: row.used_at,
	createdBy: row.created_by,
	usedBy: row.used_by
});

export const sqliteInvitations = (db: Db): InvitationRecords => ({
	async insert(invitation, tokenHash) {
		prepared(
			db,
			`INSERT INTO invitation (id, token_hash, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`
		).run(
			invitation.id,
			tokenHash,
			invitation.createdBy,
			invitation.createdAt,
			invitation.expiresAt
		);
	},
	async findByTokenHash(tokenHash) {
		const row = prepared(
			db,
			`SELECT ${invitationColumns} FROM invitation WHERE token_hash = ?`
		).get(tokenHash) as InvitationRow | undefined;
		return row && toApiInvitation(row);
	},
	async list() {
		return (
			prepared(
				db,
				`SELECT ${invitationColumns} FROM invitation ORDER BY created_at DESC, id`
			).all() as InvitationRow[]
		).map(toApiInvitation);
	},
	async delete(id) {
		return prepared(db, 'DELETE FROM invitation WHERE id = ?').run(id).changes === 1;
	},
	async markUsed(id, userId, now) {
		return (
			prepared(
				db,
				'UPDATE invitation SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL'
			).run(now, userId, id).changes === 1
		);
	}
});

interface PasswordResetRow {
	id: string;
	user_id: string;
	created_by: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
}

const toPasswordReset = (row: PasswordResetRow): PasswordResetRecord => ({
	id: row.id,
	userId: row.user_id,
	createdBy: row.created_by,
	createdAt: row.created_at,
	expiresAt: row.expires_at,
	usedAt: row.used_at
});

export const sqlitePasswordResets = (db: Db): PasswordResetRecords => ({
	async insert(reset, tokenHash) {
		prepared(
			db,
			`INSERT INTO password_reset (id, token_hash, user_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`
		).run(reset.id, tokenHash, reset.userId, reset.createdBy, reset.createdAt, reset.expiresAt);
	},
	async findByTokenHash(tokenHash) {
		const row = prepared(
			db,
			`SELECT id, user_id, created_by, created_at, expires_at, used_at
			FROM password_reset WHERE token_hash = ?`
		).get(tokenHash) as PasswordResetRow | undefined;
		return row && toPasswordReset(row);
	},
	async listOutstanding(userId, now) {
		return prepared(
			db,
			`SELECT r.id, r.created_at AS createdAt, r.expires_at AS expiresAt,
					r.created_by AS createdById, u.name AS createdByName
				FROM password_reset r LEFT JOIN user u ON u.id = r.created_by
				WHERE r.user_id = ? AND r.used_at IS NULL AND r.expires_at > ?
				ORDER BY r.created_at DESC, r.id`
		).all(userId, now) as Awaited<ReturnType<PasswordResetRecords['listOutstanding']>>;
	},
	async deleteUnusedOf(userId) {
		return prepared(db, 'DELETE FROM password_reset WHERE user_id = ? AND used_at IS NULL').run(
			userId
		).changes;
	},
	async deleteUnusedMadeBy(makerId) {
		return prepared(db, 'DELETE FROM password_reset WHERE created_by = ? AND used_at IS NULL').run(
			makerId
		).changes;
	},
	async deleteUnused(userId, id) {
		return (
			prepared(
				db,
				'DELETE FROM password_reset WHERE id = ? AND user_id = ? AND used_at IS NULL'
			).run(id, userId).changes === 1
		);
	},
	async markUsed(id, now) {
		return (
			prepared(db, 'UPDATE password_reset SET used_at = ? WHERE id = ? AND used_at IS NULL').run(
				now,
				id
			).changes === 1
		);
	}
});

interface FeedRow {
	user_id: string;
	created_at: number;
}

export const sqliteCalendarFeeds = (db: Db): CalendarFeedRecords => {
	const find = (where: string, key: string) => {
		const row = prepared(
			db,
			`SELECT user_id, created_at FROM calendar_feed WHERE ${where} = ?`
		).get(key) as FeedRow | undefined;
		return row && { userId: row.user_id, createdAt: row.created_at };
	};
	return {
		async replace(userId, tokenHash, now) {
			// `changed_at` is no longer read: a feed's validators follow its body.
			prepared(
				db,
				`INSERT INTO calendar_feed (user_id, token_hash, created_at, changed_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
					created_at = excluded.created_at, changed_at = excluded.changed_at`
			).run(userId, tokenHash, now, now);
		},
		async findByTokenHash(tokenHash) {
			return find('token_hash', tokenHash);
		},
		async findOf(userId) {
			return find('user_id', userId);
		},
		async delete(userId) {
			return prepared(db, 'DELETE FROM calendar_feed WHERE user_id = ?').run(userId).changes === 1;
		}
	};
};
