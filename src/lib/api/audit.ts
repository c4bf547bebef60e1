import { z } from 'zod';

/** What an audit row tells of: an admin's action, or a security event. */
export const auditActions = [
	'user-type',
	'user-rename',
	'user-delete',
	'user-suspend',
	'user-unsuspend',
	'session-end',
	'settings-change',
	'invitation-create',
	'invitation-revoke',
	'session-taken',
	'password-reset-create',
	'password-reset-revoke',
	'password-reset-use',
	'entry-create',
	'entry-edit',
	'entry-visibility',
	'entry-delete',
	'location-create',
	'location-edit',
	'location-delete',
	'shift-create',
	'shift-edit',
	'shift-delete'
] as const;
export type AuditAction = (typeof auditActions)[number];

/** The schedule's actions: bounded per entry, location or shift rather than per user. */
export const contentAuditActions: readonly AuditAction[] = auditActions.filter((action) =>
	/^(entry|location|shift)-/.test(action)
);

/**
 * One field a change touched, with its values as they were: times in ms, text as typed, a
 * location by its name then, null for none. A missing `from` or `to` was not kept: a long text
 * (a description) is told as changed, not copied; a creation has no `from`, a deletion no `to`.
 */
export interface AuditChange {
	field: string;
	from?: string | number | null;
	to?: string | number | null;
}

/** One row of the audit trail; names as they were at the time. */
export interface ApiAuditRecord {
	id: number;
	at: number;
	/** Null for a security event nobody acted in (a taken session). */
	actorId: string | null;
	actorName: string | null;
	action: AuditAction;
	targetId: string | null;
	targetName: string | null;
	/** The record's own words: never text a user chose. */
	detail: string;
	/** Text a user chose (a user agent, a former name), apart from `detail`; null when none. */
	quoted: string | null;
	/** What an edit changed, field by field; null for records that tell no fields. */
	changes: AuditChange[] | null;
}

export const maxAuditPage = 200;

const id = z.string().min(1).max(64);

/** GET /api/audit: newest first, `before` an id (the last one of the page before). */
export const auditQuerySchema = z.object({
	before: z.coerce
		.number({ error: 'before must be a number' })
		.int('before must be a whole number')
		.min(1, 'before must be positive')
		.optional(),
	action: z.enum(auditActions, { error: 'action must be a kind of audit record' }).optional(),
	actor: id.optional(),
	target: id.optional(),
	limit: z.coerce
		.number({ error: 'limit must be a number' })
		.int('limit must be a whole number')
		.min(1, `limit must be 1 to ${maxAuditPage}`)
		.max(maxAuditPage, `limit must be 1 to ${maxAuditPage}`)
		.default(maxAuditPage)
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** The /users/audit page's query string: anything odd falls back to "all". */
export const auditPageQuerySchema = z.object({
	before: z.coerce.number().int().min(1).optional().catch(undefined),
	action: z.enum(auditActions).optional().catch(undefined),
	actor: id.optional().catch(undefined),
	target: id.optional().catch(undefined)
});
