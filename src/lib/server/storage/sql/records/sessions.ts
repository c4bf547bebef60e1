import type { ApiOwnSession, ApiSecurityRecord } from '$lib/api';
import type {
	EndedSessionRecords,
	EndedSessionRow,
	LiveLogin,
	SecurityRecords,
	SessionRecords,
	SessionRow,
	TombstoneTimes
} from '../../records/sessions';
import type { Sql } from '../sql';

const live = 'rotated_at IS NULL AND ended_reason IS NULL';
const ownSessionColumns = `family AS id, family_created_at AS "createdAt",
	last_seen_at AS "lastSeenAt", user_agent AS "userAgent"`;

export const sqlSessions = (sql: Sql): SessionRecords => ({
	async find(id) {
		return sql.get<SessionRow>('SELECT * FROM session WHERE id = ?', id);
	},
	async listOf(userId) {
		return sql.all<SessionRow>(
			'SELECT * FROM session WHERE user_id = ? ORDER BY created_at, id',
			userId
		);
	},
	async insert(row) {
		await sql.run(
			`INSERT INTO session (id, user_id, expires_at, public_id, family, family_created_at,
				created_at, rotates_at, user_agent, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			row.id,
			row.user_id,
			row.expires_at,
			row.public_id,
			row.family,
			row.family_created_at,
			row.created_at,
			row.rotates_at,
			row.user_agent,
			row.last_seen_at
		);
	},
	async received(id) {
		const received = await sql.value<number>('SELECT received FROM session WHERE id = ?', id);
		return received === undefined ? undefined : received === 1;
	},
	async countSupersededAfter(family, createdAt) {
		return (await sql.value<number>(
			`SELECT COUNT(*) FROM session
				WHERE family = ? AND ended_reason = 'superseded' AND created_at > ?`,
			family,
			createdAt
		)) as number;
	},
	async markSeen(id, lastSeenAt, expiresAt) {
		await sql.run(
			'UPDATE session SET received = 1, last_seen_at = ?, expires_at = ? WHERE id = ?',
			lastSeenAt,
			expiresAt,
			id
		);
	},
	async setExpiresAt(id, expiresAt) {
		await sql.run('UPDATE session SET expires_at = ? WHERE id = ?', expiresAt, id);
	},
	async markRotated(id, successor, now) {
		await sql.run(
			`UPDATE session SET rotated_at = ?, successor = ?, last_seen_at = ?, received = 1
			WHERE id = ?`,
			now,
			successor,
			now,
			id
		);
	},
	async supersede(id, now) {
		return (
			(await sql.run(
				`UPDATE session SET ended_reason = 'superseded', ended_at = ?
				WHERE id = ? AND ended_reason IS NULL`,
				now,
				id
			)) === 1
		);
	},
	async markFamilyTaken(family, now) {
		await sql.run(
			`UPDATE session SET ended_reason = 'taken', ended_at = ?
				WHERE family = ? AND (ended_reason IS NULL OR ended_reason = 'superseded')`,
			now,
			family
		);
	},
	async otherPartyOf(family, exceptId) {
		return (
			(await sql.value<string>(
				`SELECT user_agent FROM session WHERE family = ? AND id != ?
					ORDER BY (${live}) DESC, created_at DESC LIMIT 1`,
				family,
				exceptId
			)) ?? ''
		);
	},
	async liveLoginsOf(userId, exceptFamily) {
		return sql.all<LiveLogin>(
			`SELECT family AS id, last_seen_at AS "lastSeenAt", family_created_at AS "createdAt"
				FROM session WHERE user_id = ? AND family != ? AND ${live}`,
			userId,
			exceptFamily
		);
	},
	async openFamiliesOf(userId, exceptFamily) {
		// IS DISTINCT FROM: every family when `exceptFamily` is null.
		return sql.values<string>(
			`SELECT DISTINCT family FROM session
				WHERE user_id = ? AND family IS DISTINCT FROM ? AND ended_reason IS NULL`,
			userId,
			exceptFamily
		);
	},
	async isOpenFamilyOf(userId, family) {
		return (
			(await sql.get(
				'SELECT 1 FROM session WHERE user_id = ? AND family = ? AND ended_reason IS NULL',
				userId,
				family
			)) !== undefined
		);
	},
	async ownSession(family) {
		return sql.get<ApiOwnSession>(
			`SELECT ${ownSessionColumns} FROM session WHERE family = ? AND ${live}`,
			family
		);
	},
	async ownSessionsOf(userId) {
		return sql.all<ApiOwnSession>(
			`SELECT ${ownSessionColumns} FROM session WHERE user_id = ? AND ${live}
				ORDER BY last_seen_at DESC, family`,
			userId
		);
	},
	async delete(id) {
		await sql.run('DELETE FROM session WHERE id = ?', id);
	},
	async deleteExpired(nowSeconds) {
		return sql.run('DELETE FROM session WHERE expires_at <= ?', nowSeconds);
	}
});

export const sqlEndedSessions = (sql: Sql): EndedSessionRecords => {
	const d = sql.dialect;
	/** Copies the chosen session rows to tombstones (replacing any of the same id), then deletes them. */
	const endText = (column: 'family' | 'user_id') => [
		`INSERT INTO ended_session (id, reason, family_created_at, last_seen_at, expires_at)
			SELECT id, ?, family_created_at, last_seen_at,
					${d.least('last_seen_at + ?', 'family_created_at + ?')}
				FROM session WHERE ${column} = ?
			ON CONFLICT (id) DO UPDATE SET reason = excluded.reason,
				family_created_at = excluded.family_created_at, last_seen_at = excluded.last_seen_at,
				expires_at = excluded.expires_at`,
		`DELETE FROM session WHERE ${column} = ?`
	];
	const texts = { family: endText('family'), user_id: endText('user_id') };
	const end = async (
		column: 'family' | 'user_id',
		key: string,
		reason: string,
		times: TombstoneTimes
	) => {
		const [copy, remove] = texts[column];
		await sql.run(copy, reason, times.idleMs, times.maxMs, key);
		await sql.run(remove, key);
	};
	return {
		async endFamily(family, reason, times) {
			await end('family', family, reason, times);
		},
		async endUser(userId, reason, times) {
			await end('user_id', userId, reason, times);
		},
		async find(id) {
			return sql.get<EndedSessionRow>('SELECT * FROM ended_session WHERE id = ?', id);
		},
		async prune(now) {
			return sql.run('DELETE FROM ended_session WHERE expires_at <= ?', now);
		}
	};
};

export const sqlSecurityRecords = (sql: Sql): SecurityRecords => ({
	async add(userId, record) {
		await sql.run(
			`INSERT INTO security_record (user_id, kind, created_at, user_agent, other_user_agent)
				VALUES (?, ?, ?, ?, ?)`,
			userId,
			record.kind,
			record.createdAt,
			record.userAgent,
			record.otherUserAgent
		);
	},
	async listOf(userId, limit) {
		return sql.all<ApiSecurityRecord>(
			`SELECT kind, created_at AS "createdAt", user_agent AS "userAgent",
					other_user_agent AS "otherUserAgent" FROM security_record
				WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
			userId,
			limit
		);
	},
	async prune(before) {
		return sql.run('DELETE FROM security_record WHERE created_at < ?', before);
	}
});
