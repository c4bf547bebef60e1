import type { AttemptRecords } from '../../records/attempts';
import type { Sql } from '../sql';

export const sqlAttempts = (sql: Sql): AttemptRecords => ({
	async times(kind, key, since) {
		const rows = await sql.all<{ at: number; n: number }>(
			'SELECT at, n FROM attempt WHERE kind = ? AND key = ? AND at > ? ORDER BY at',
			kind,
			key,
			since
		);
		return rows.flatMap(({ at, n }) => Array.from({ length: n }, () => at));
	},
	names(kind, key, since) {
		return sql.all<{ name: string; last: number }>(
			`SELECT name, MAX(at) AS last FROM attempt WHERE kind = ? AND key = ? AND at > ?
			GROUP BY name ORDER BY name`,
			kind,
			key,
			since
		);
	},
	async add(kind, key, name, at, expiresAt) {
		await sql.run(
			`INSERT INTO attempt (kind, key, name, at, n, expires_at) VALUES (?, ?, ?, ?, 1, ?)
			ON CONFLICT (kind, key, name, at) DO UPDATE SET n = attempt.n + 1,
				expires_at = excluded.expires_at`,
			kind,
			key,
			name,
			at,
			expiresAt
		);
	},
	async remove(kind, key, name, at) {
		const where = 'kind = ? AND key = ? AND name = ? AND at = ?';
		await sql.run(`UPDATE attempt SET n = n - 1 WHERE ${where}`, kind, key, name, at);
		await sql.run(`DELETE FROM attempt WHERE ${where} AND n <= 0`, kind, key, name, at);
	},
	async clear(kind, key, name) {
		if (name === undefined) {
			await sql.run('DELETE FROM attempt WHERE kind = ? AND key = ?', kind, key);
		} else {
			await sql.run('DELETE FROM attempt WHERE kind = ? AND key = ? AND name = ?', kind, key, name);
		}
	},
	prune(now) {
		return sql.run('DELETE FROM attempt WHERE expires_at <= ?', now);
	}
});
