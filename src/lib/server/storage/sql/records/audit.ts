import type { ApiAuditRecord, AuditChange } from '$lib/api';
import type { AuditRecords, Named } from '../../records/audit';
import type { Sql } from '../sql';

export const sqlAudit = (sql: Sql): AuditRecords => {
	const actors = `SELECT actor_id AS id, actor_name AS name FROM audit
		WHERE id IN (SELECT MAX(id) FROM audit WHERE actor_id IS NOT NULL GROUP BY actor_id)
		ORDER BY ${sql.dialect.nocase('actor_name')} LIMIT 500`;
	return {
		async add(row) {
			await sql.run(
				`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail,
					quoted, changes)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				row.at,
				row.actor?.id ?? null,
				row.actor?.name ?? null,
				row.action,
				row.target?.id ?? null,
				row.target?.name ?? null,
				row.detail,
				row.quoted,
				row.changes ? JSON.stringify(row.changes) : null
			);
		},
		async trim(targetId, keep, action) {
			const ofTarget = action === undefined ? 'target_id = ?' : 'target_id = ? AND action = ?';
			const target = action === undefined ? [targetId] : [targetId, action];
			await sql.run(
				`DELETE FROM audit WHERE ${ofTarget} AND id <= (
				SELECT id FROM audit WHERE ${ofTarget} ORDER BY id DESC LIMIT 1 OFFSET ?)`,
				...target,
				...target,
				keep
			);
		},
		async list(query) {
			const where: string[] = [];
			const params: (string | number)[] = [];
			const filters = [
				['id < ?', query.before],
				['action = ?', query.action],
				['actor_id = ?', query.actor],
				['target_id = ?', query.target]
			] as const;
			for (const [condition, value] of filters) {
				if (value === undefined) continue;
				where.push(condition);
				params.push(value);
			}
			const rows = await sql.all<
				Omit<ApiAuditRecord, 'changes'> & {
					changes: string | null;
				}
			>(
				`SELECT id, at, actor_id AS "actorId", actor_name AS "actorName", action,
					target_id AS "targetId", target_name AS "targetName", detail, quoted, changes
				FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
				ORDER BY id DESC LIMIT ?`,
				...params,
				query.limit ?? 200
			);
			return rows.map((row) => ({
				...row,
				changes: row.changes === null ? null : (JSON.parse(row.changes) as AuditChange[])
			}));
		},
		async actors() {
			return sql.all<Named>(actors);
		},
		async prune(before) {
			return sql.run('DELETE FROM audit WHERE at < ?', before);
		}
	};
};
