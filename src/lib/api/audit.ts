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
	'session-taken'
] as const;
export type AuditAction = (typeof auditActions)[number];

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
	detail: string;
}
