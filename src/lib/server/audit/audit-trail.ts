import { contentAuditActions, type AuditAction, type AuditChange } from '$lib/api';
import type { Change } from '../storage';
import type { Named } from '../storage/records/audit';

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
export async function recordAudit(
	tx: Change,
	row: {
		actor: Named | null;
		action: AuditAction;
		target: Named | null;
		detail?: string;
		quoted?: string;
		changes?: AuditChange[];
	}
): Promise<void> {
	const changes = row.changes?.slice(0, 20).map((change) => ({
		field: change.field,
		...('from' in change && { from: boundValue(change.from) }),
		...('to' in change && { to: boundValue(change.to) })
	}));
	await tx.audit.add({
		at: tx.now,
		actor: row.actor && { id: row.actor.id, name: row.actor.name },
		action: row.action,
		target: row.target && { id: row.target.id, name: row.target.name },
		detail: (row.detail ?? '').slice(0, 512),
		quoted: row.quoted === undefined ? null : row.quoted.slice(0, 512),
		changes: changes ?? null
	});
	if (!row.target) return;
	if (boundedPerUser.includes(row.action)) {
		await tx.audit.trim(row.target.id, maxSecurityRowsPerUser, row.action);
	}
	if (contentAuditActions.includes(row.action)) {
		await tx.audit.trim(row.target.id, maxContentRowsPerTarget);
	}
}
