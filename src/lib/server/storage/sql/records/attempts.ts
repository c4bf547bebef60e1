import type { AttemptRecords } from '../../records/attempts';
import type { Sql } from '../sql';

export const sqlAttempts = (sql: Sql): AttemptRecords => ({
	times(kind, key, since) {
		return sql.values<number>(
			'SELECT at FROM attempt WHERE kind = ? AND key = ? AND at > ? ORDER BY at, id',
			kind,
			key,
			since
		);
	},
	names(kind, key, since) {
		return sql.all<{ name: string; last: number }>(
			`SELECT name, MAX(at) AS last FROM attempt WHERE kind = ? AND key = ? AND at > ?
			GROUP BY name`,
			kind,
			key,
			since
		);
	},
	async add(kind, key, name, at) {
		await sql.run(
			'INSERT INTO attempt (kind, key, name, at) VALUES (?, ?, ?, ?)',
			kind,
			key,
			name,
			at
		);
	},
	async remove(kind, key, name, at) {
		await sql.run(
			`DELETE FROM attempt WHERE id = (SELECT MAX(id) FROM attempt
				WHERE kind = ? AND key = ? AND name = ? AND at = ?)`,
			kind,
			key,
			name,
			at
		);
	},
	async clear(kind, key, name) {
		if (name === undefined) {
			await sql.run('DELETE FROM attempt WHERE kind = ? AND key = ?', kind, key);
		} else {
			await sql.run('DELETE FROM attempt WHERE kind = ? AND key = ? AND name = ?', kind, key, name);
		}
	},
	async prune(kind, before) {
		await sql.run('DELETE FROM attempt WHERE kind = ? AND at <= ?', kind, before);
	}
});
