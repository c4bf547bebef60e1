import type { ApiInvitation, UserSort, UserType } from '$lib/api';
import type { ServerUser } from '../../../types';
import type {
	CalendarFeedRecords,
	InvitationRecords,
	OutstandingPasswordReset,
	PasswordResetRecord,
	PasswordResetRecords,
	UserRecords
} from '../../records/people';
import type { Sql } from '../sql';
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

/** No limit is the largest both take: SQLite's `LIMIT -1` is an error in PostgreSQL. */
const noLimit = Number.MAX_SAFE_INTEGER;

export const sqlUsers = (sql: Sql): UserRecords => {
	const d = sql.dialect;
	const orderBy: Record<UserSort, string> = {
		name: d.nocase('name'),
		created: 'created_at',
		// Never-seen users sort as the oldest.
		lastSeen: 'COALESCE(last_seen_at, 0)'
	};
	const byName = `SELECT * FROM "user" WHERE ${d.nocase('name')} = ${d.nocase('?')}`;
	const matching = `WHERE name ${d.like} ? ESCAPE '\\'`;
	const shiftPeople = `SELECT * FROM "user"
		WHERE type IN ('crew', 'admin') OR id IN (SELECT user_id FROM shift_crew)
		ORDER BY ${d.nocase('name')}, id`;
	return {
		async find(id) {
			const row = await sql.get<UserRow>('SELECT * FROM "user" WHERE id = ?', id);
			return row && toServerUser(row);
		},
		async findWithHashByName(name) {
			const row = await sql.get<UserRow>(byName, name);
			return row && { user: toServerUser(row), passwordHash: row.password_hash };
		},
		async passwordHash(userId) {
			return sql.value<string>('SELECT password_hash FROM "user" WHERE id = ?', userId);
		},
		async count() {
			return (await sql.value<number>('SELECT COUNT(*) FROM "user"')) as number;
		},
		async list() {
			return (await sql.all<UserRow>('SELECT * FROM "user" ORDER BY created_at, id')).map(
				toServerUser
			);
		},
		async query(query) {
			const direction = query.order === 'desc' ? 'DESC' : 'ASC';
			const where = query.q ? matching : '';
			const params = query.q ? [containing(query.q)] : [];
			const rows = await sql.all<UserRow>(
				`SELECT * FROM "user" ${where}
					ORDER BY ${orderBy[query.sort]} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
				...params,
				query.limit ?? noLimit,
				query.offset
			);
			const total = (await sql.value<number>(
				`SELECT COUNT(*) FROM "user" ${where}`,
				...params
			)) as number;
			return { users: rows.map(toServerUser), total };
		},
		async listShiftPeople() {
			return (await sql.all<UserRow>(shiftPeople)).map(toServerUser);
		},
		async countActiveAdmins() {
			return (await sql.value<number>(
				`SELECT COUNT(*) FROM "user" WHERE type = 'admin' AND suspended_at IS NULL`
			)) as number;
		},
		async insert(user, passwordHash) {
			await sql.run(
				`INSERT INTO "user" (id, name, password_hash, type, created_at, last_seen_at)
				VALUES (?, ?, ?, ?, ?, ?)`,
				user.id,
				user.name,
				passwordHash,
				user.type,
				user.createdAt,
				user.lastSeenAt
			);
		},
		async rename(id, name, type) {
			await sql.run('UPDATE "user" SET name = ?, type = ? WHERE id = ?', name, type, id);
		},
		async setSuspended(id, at, by) {
			await sql.run(
				'UPDATE "user" SET suspended_at = ?, suspended_by = ? WHERE id = ?',
				at,
				by,
				id
			);
		},
		async setPasswordHash(id, passwordHash) {
			await sql.run('UPDATE "user" SET password_hash = ? WHERE id = ?', passwordHash, id);
		},
		async setLastSeen(id, at) {
			await sql.run('UPDATE "user" SET last_seen_at = ? WHERE id = ?', at, id);
		},
		async delete(id) {
			await sql.run('DELETE FROM "user" WHERE id = ?', id);
		}
	};
};

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

export const sqlInvitations = (sql: Sql): InvitationRecords => ({
	async insert(invitation, tokenHash) {
		await sql.run(
			`INSERT INTO invitation (id, token_hash, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`,
			invitation.id,
			tokenHash,
			invitation.createdBy,
			invitation.createdAt,
			invitation.expiresAt
		);
	},
	async findByTokenHash(tokenHash) {
		const row = await sql.get<InvitationRow>(
			`SELECT ${invitationColumns} FROM invitation WHERE token_hash = ?`,
			tokenHash
		);
		return row && toApiInvitation(row);
	},
	async list() {
		return (
			await sql.all<InvitationRow>(
				`SELECT ${invitationColumns} FROM invitation ORDER BY created_at DESC, id`
			)
		).map(toApiInvitation);
	},
	async delete(id) {
		return (await sql.run('DELETE FROM invitation WHERE id = ?', id)) === 1;
	},
	async markUsed(id, userId, now) {
		return (
			(await sql.run(
				'UPDATE invitation SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL',
				now,
				userId,
				id
			)) === 1
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

export const sqlPasswordResets = (sql: Sql): PasswordResetRecords => ({
	async insert(reset, tokenHash) {
		await sql.run(
			`INSERT INTO password_reset (id, token_hash, user_id, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			reset.id,
			tokenHash,
			reset.userId,
			reset.createdBy,
			reset.createdAt,
			reset.expiresAt
		);
	},
	async findByTokenHash(tokenHash) {
		const row = await sql.get<PasswordResetRow>(
			`SELECT id, user_id, created_by, created_at, expires_at, used_at
			FROM password_reset WHERE token_hash = ?`,
			tokenHash
		);
		return row && toPasswordReset(row);
	},
	async listOutstanding(userId, now) {
		return sql.all<OutstandingPasswordReset>(
			`SELECT r.id, r.created_at AS "createdAt", r.expires_at AS "expiresAt",
					r.created_by AS "createdById", u.name AS "createdByName"
				FROM password_reset r LEFT JOIN "user" u ON u.id = r.created_by
				WHERE r.user_id = ? AND r.used_at IS NULL AND r.expires_at > ?
				ORDER BY r.created_at DESC, r.id`,
			userId,
			now
		);
	},
	async deleteUnusedOf(userId) {
		return sql.run('DELETE FROM password_reset WHERE user_id = ? AND used_at IS NULL', userId);
	},
	async deleteUnusedMadeBy(makerId) {
		return sql.run('DELETE FROM password_reset WHERE created_by = ? AND used_at IS NULL', makerId);
	},
	async deleteUnused(userId, id) {
		return (
			(await sql.run(
				'DELETE FROM password_reset WHERE id = ? AND user_id = ? AND used_at IS NULL',
				id,
				userId
			)) === 1
		);
	},
	async markUsed(id, now) {
		return (
			(await sql.run(
				'UPDATE password_reset SET used_at = ? WHERE id = ? AND used_at IS NULL',
				now,
				id
			)) === 1
		);
	}
});

interface FeedRow {
	user_id: string;
	created_at: number;
}

export const sqlCalendarFeeds = (sql: Sql): CalendarFeedRecords => {
	const find = async (where: 'token_hash' | 'user_id', key: string) => {
		const row = await sql.get<FeedRow>(
			`SELECT user_id, created_at FROM calendar_feed WHERE ${where} = ?`,
			key
		);
		return row && { userId: row.user_id, createdAt: row.created_at };
	};
	return {
		async replace(userId, tokenHash, now) {
			// `changed_at` is no longer read: a feed's validators follow its body.
			await sql.run(
				`INSERT INTO calendar_feed (user_id, token_hash, created_at, changed_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
					created_at = excluded.created_at, changed_at = excluded.changed_at`,
				userId,
				tokenHash,
				now,
				now
			);
		},
		async findByTokenHash(tokenHash) {
			return find('token_hash', tokenHash);
		},
		async findOf(userId) {
			return find('user_id', userId);
		},
		async delete(userId) {
			return (await sql.run('DELETE FROM calendar_feed WHERE user_id = ?', userId)) === 1;
		}
	};
};
