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
import type { Db } from '../open';
import { prepared } from '../statements';

const live = 'rotated_at IS NULL AND ended_reason IS NULL';
const ownSessionColumns = `family AS id, family_created_at AS createdAt,
	last_seen_at AS lastSeenAt, user_agent AS userAgent`;

export const sqliteSessions = (db: Db): SessionRecords => ({
	async find(id) {
		return prepared(db, 'SELECT * FROM session WHERE id = ?').get(id) as SessionRow | undefined;
	},
	async listOf(userId) {
		return prepared(db, 'SELECT * FROM session WHERE user_id = ? ORDER BY created_at, id').all(
			userId
		) as SessionRow[];
	},
	async insert(row) {
		prepared(
			db,
			`INSERT INTO session (id, user_id, expires_at, public_id, family, family_created_at,
				created_at, rotates_at, user_agent, last_seen_at)
			VALUES (@id, @user_id, @expires_at, @public_id, @family, @family_created_at, @created_at,
				@rotates_at, @user_agent, @last_seen_at)`
		).run(row);
	},
	async received(id) {
		const received = prepared(db, 'SELECT received FROM session WHERE id = ?').pluck().get(id) as
			number | undefined;
		return received === undefined ? undefined : received === 1;
	},
	async countSupersededAfter(family, createdAt) {
		return prepared(
			db,
			`SELECT COUNT(*) FROM session
				WHERE family = ? AND ended_reason = 'superseded' AND created_at > ?`
		)
			.pluck()
			.get(family, createdAt) as number;
	},
	async markSeen(id, lastSeenAt, expiresAt) {
		prepared(
			db,
			'UPDATE session SET received = 1, last_seen_at = ?, expires_at = ? WHERE id = ?'
		).run(lastSeenAt, expiresAt, id);
	},
	async setExpiresAt(id, expiresAt) {
		prepared(db, 'UPDATE session SET expires_at = ? WHERE id = ?').run(expiresAt, id);
	},
	async markRotated(id, successor, now) {
		prepared(
			db,
			`UPDATE session SET rotated_at = ?, successor = ?, last_seen_at = ?, received = 1
			WHERE id = ?`
		).run(now, successor, now, id);
	},
	async supersede(id, now) {
		return (
			prepared(
				db,
				`UPDATE session SET ended_reason = 'superseded', ended_at = ?
				WHERE id = ? AND ended_reason IS NULL`
			).run(now, id).changes === 1
		);
	},
	async markFamilyTaken(family, now) {
		prepared(
			db,
			`UPDATE session SET ended_reason = 'taken', ended_at = ?
				WHERE family = ? AND (ended_reason IS NULL OR ended_reason = 'superseded')`
		).run(now, family);
	},
	async otherPartyOf(family, exceptId) {
		return (
			(prepared(
				db,
				`SELECT user_agent FROM session WHERE family = ? AND id != ?
					ORDER BY (${live}) DESC, created_at DESC LIMIT 1`
			)
				.pluck()
				.get(family, exceptId) as string | undefined) ?? ''
		);
	},
	async liveLoginsOf(userId, exceptFamily) {
		return prepared(
			db,
			`SELECT family AS id, last_seen_at AS lastSeenAt, family_created_at AS createdAt
				FROM session WHERE user_id = ? AND family != ? AND ${live}`
		).all(userId, exceptFamily) as LiveLogin[];
	},
	async openFamiliesOf(userId, exceptFamily) {
		return prepared(
			db,
			`SELECT DISTINCT family FROM session
				WHERE user_id = ? AND family IS NOT ? AND ended_reason IS NULL`
		)
			.pluck()
			.all(userId, exceptFamily) as string[];
	},
	async isOpenFamilyOf(userId, family) {
		return !!prepared(
			db,
			'SELECT 1 FROM session WHERE user_id = ? AND family = ? AND ended_reason IS NULL'
		).get(userId, family);
	},
	async ownSession(family) {
		return prepared(
			db,
			`SELECT ${ownSessionColumns} FROM session WHERE family = ? AND ${live}`
		).get(family) as ApiOwnSession | undefined;
	},
	async ownSessionsOf(userId) {
		return prepared(
			db,
			`SELECT ${ownSessionColumns} FROM session WHERE user_id = ? AND ${live}
				ORDER BY last_seen_at DESC, family`
		).all(userId) as ApiOwnSession[];
	},
	async delete(id) {
		prepared(db, 'DELETE FROM session WHERE id = ?').run(id);
	},
	async deleteExpired(nowSeconds) {
		return prepared(db, 'DELETE FROM session WHERE expires_at <= ?').run(nowSeconds).changes;
	}
});

export const sqliteEndedSessions = (db: Db): EndedSessionRecords => {
	/** Copies the chosen session rows to tombstones, then deletes them. */
	const end = (
		column: 'family' | 'user_id',
		key: string,
		reason: string,
		times: TombstoneTimes
	) => {
		prepared(
			db,
			`INSERT OR REPLACE INTO ended_session (id, reason, family_created_at, last_seen_at,
					expires_at)
				SELECT id, ?, family_created_at, last_seen_at,
						MIN(last_seen_at + ?, family_created_at + ?)
					FROM session WHERE ${column} = ?`
		).run(reason, times.idleMs, times.maxMs, key);
		prepared(db, `DELETE FROM session WHERE ${column} = ?`).run(key);
	};
	return {
		async endFamily(family, reason, times) {
			end('family', family, reason, times);
		},
		async endUser(userId, reason, times) {
			end('user_id', userId, reason, times);
		},
		async find(id) {
			return prepared(db, 'SELECT * FROM ended_session WHERE id = ?').get(id) as
				EndedSessionRow | undefined;
		},
		async prune(now) {
			return prepared(db, 'DELETE FROM ended_session WHERE expires_at <= ?').run(now).changes;
		}
	};
};

export const sqliteSecurityRecords = (db: Db): SecurityRecords => ({
	async add(userId, record) {
		prepared(
			db,
			`INSERT INTO security_record (user_id, kind, created_at, user_agent, other_user_agent)
				VALUES (?, ?, ?, ?, ?)`
		).run(userId, record.kind, record.createdAt, record.userAgent, record.otherUserAgent);
	},
	async listOf(userId, limit) {
		return prepared(
			db,
			`SELECT kind, created_at AS createdAt, user_agent AS userAgent,
					other_user_agent AS otherUserAgent FROM security_record
				WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`
		).all(userId, limit) as ApiSecurityRecord[];
	},
	async prune(before) {
		return prepared(db, 'DELETE FROM security_record WHERE created_at < ?').run(before).changes;
	}
});
