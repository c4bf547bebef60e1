import type { ApiAuditRecord, AuditChange } from '$lib/api';
import type { AuditRecords, Named } from '../../records/audit';
import type { Db } from '../open';
import { prepared } from '../statements';

export const sqliteAudit = (db: Db): AuditRecords => ({
	async add(row) {
		prepared(
			db,
			`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail,
					quoted, changes)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		).run(
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
		const ofAction = action === undefined ? '' : 'AND action = @action';
		prepared(
			db,
			`DELETE FROM audit WHERE target_id = @target ${ofAction} AND id <= (
				SELECT id FROM audit WHERE target_id = @target ${ofAction}
				ORDER BY id DESC LIMIT 1 OFFSET @keep)`
		).run({ target: targetId, keep, ...(action !== undefined && { action }) });
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
		const rows = prepared(
			db,
			`SELECT id, at, actor_id AS actorId, actor_name AS actorName, action,
					target_id AS targetId, target_name AS targetName, detail, quoted, changes
				FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
				ORDER BY id DESC LIMIT ?`
		).all(...params, query.limit ?? 200) as (Omit<ApiAuditRecord, 'changes'> & {
			changes: string | null;
		})[];
		return rows.map((row) => ({
			...row,
			changes: row.changes === null ? null : (JSON.parse(row.changes) as AuditChange[])
		}));
	},
	async actors() {
		return prepared(
			db,
			`SELECT actor_id AS id, actor_name AS name FROM audit
				WHERE id IN (SELECT MAX(id) FROM audit WHERE actor_id IS NOT NULL GROUP BY actor_id)
				ORDER BY actor_name COLLATE NOCASE LIMIT 500`
		).all() as Named[];
	},
	async prune(before) {
		return prepared(db, 'DELETE FROM audit WHERE at < ?').run(before).changes;
	}
});
