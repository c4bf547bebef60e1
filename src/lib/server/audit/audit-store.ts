import {
	contentAuditActions,
	type ApiAuditRecord,
	type AuditAction,
	type AuditChange,
	type AuditQuery
} from '$lib/api';
import type { Db } from '../storage';
import type { Change } from '../events/change';
import { prepared } from '../storage/sqlite/statements';

interface Named {
	id: string;
	name: string;
}

/**
 * Security events that an ordinary user can cause (a session of theirs taken) are kept at most
 * this many per user, so nobody can bury admins' actions under their own rows.
 */
export const maxSecurityRowsPerUser = 50;
const boundedPerUser: AuditAction[] = ['session-taken'];

/**
 * The schedule's records are kept at most this many per entry, location or shift (besides the
 * trail's retention), so a script editing one entry all day cannot grow the trail without end
 * while every other entry keeps its history.
 */
export const maxContentRowsPerTarget = 200;
/** A value of a change is kept to this many characters (a title is at most 200). */
const maxChangeValue = 200;

const boundValue = (value: AuditChange['from']) =>
	typeof value === 'string' ? value.slice(0, maxChangeValue) : value;

/**
 * Writes one audit row inside the change it tells of: a refused or rolled back action leaves
 * none, a committed one always has its row. `detail` is the record's own words; whatever a user
 * chose (a user agent, a name) goes in `quoted`, never into `detail`.
 */
export function recordAudit(
	tx: Change,
	row: {
		actor: Named | null;
		action: AuditAction;
		target: Named | null;
		detail?: string;
		quoted?: string;
		changes?: AuditChange[];
	}
): void {
	const changes = row.changes?.slice(0, 20).map((change) => ({
		field: change.field,
		...('from' in change && { from: boundValue(change.from) }),
		...('to' in change && { to: boundValue(change.to) })
	}));
	prepared(
		tx.db,
		`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail, quoted,
				changes)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	).run(
		tx.now,
		row.actor?.id ?? null,
		row.actor?.name ?? null,
		row.action,
		row.target?.id ?? null,
		row.target?.name ?? null,
		(row.detail ?? '').slice(0, 512),
		row.quoted === undefined ? null : row.quoted.slice(0, 512),
		changes ? JSON.stringify(changes) : null
	);
	if (row.target && boundedPerUser.includes(row.action)) {
		prepared(
			tx.db,
			`DELETE FROM audit WHERE target_id = ? AND action = ? AND id <= (
				SELECT id FROM audit WHERE target_id = ? AND action = ?
				ORDER BY id DESC LIMIT 1 OFFSET ?)`
		).run(row.target.id, row.action, row.target.id, row.action, maxSecurityRowsPerUser);
	}
	if (row.target && contentAuditActions.includes(row.action)) {
		prepared(
			tx.db,
			// Entry, location, shift and user ids are random (80 bits): one id names one thing.
			`DELETE FROM audit WHERE target_id = @target AND id <= (
				SELECT id FROM audit WHERE target_id = @target ORDER BY id DESC LIMIT 1 OFFSET @keep)`
		).run({ target: row.target.id, keep: maxContentRowsPerTarget });
	}
}

/**
 * One page of the trail, newest first: ids grow in commit order, so `before` (the last id of the
 * page before) pages through every row however many are written meanwhile.
 */
export function listAudit(db: Db, query: Partial<AuditQuery> = {}): ApiAuditRecord[] {
	const where: string[] = [];
	const params: (string | number)[] = [];
	if (query.before !== undefined) {
		where.push('id < ?');
		params.push(query.before);
	}
	if (query.action !== undefined) {
		where.push('action = ?');
		params.push(query.action);
	}
	if (query.actor !== undefined) {
		where.push('actor_id = ?');
		params.push(query.actor);
	}
	if (query.target !== undefined) {
		where.push('target_id = ?');
		params.push(query.target);
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
}

/** Who has acted in the trail, under the name of their latest row: the page's actor filter. */
export function listAuditActors(db: Db): Named[] {
	return prepared(
		db,
		`SELECT actor_id AS id, actor_name AS name FROM audit
			WHERE id IN (SELECT MAX(id) FROM audit WHERE actor_id IS NOT NULL GROUP BY actor_id)
			ORDER BY actor_name COLLATE NOCASE LIMIT 500`
	).all() as Named[];
}

/** Deletes rows written before `before` (ms), as security records are (same retention). */
export function pruneAudit(db: Db, before: number): number {
	return prepared(db, 'DELETE FROM audit WHERE at < ?').run(before).changes;
}
