import type { ApiAuditRecord, AuditAction, AuditChange, AuditQuery } from '$lib/api';

export interface Named {
	id: string;
	name: string;
}

/** One row of the audit trail, as written. */
export interface AuditRow {
	at: number;
	actor: Named | null;
	action: AuditAction;
	target: Named | null;
	detail: string;
	quoted: string | null;
	changes: AuditChange[] | null;
}

/** The audit trail; ids grow in commit order. */
export interface AuditRecords {
	add(row: AuditRow): Promise<void>;
	/**
	 * Deletes the target's rows but its newest `keep` (of `action` only, when given).
	 * Entry, location, shift and user ids are random: one id names one thing.
	 */
	trim(targetId: string, keep: number, action?: AuditAction): Promise<void>;
	/** One page, newest first; `before` is the last id of the page before. At most 200 by default. */
	list(query: Partial<AuditQuery>): Promise<ApiAuditRecord[]>;
	/** Who has acted, under the name of their latest row, by name; at most 500. */
	actors(): Promise<Named[]>;
	/** Deletes rows written before `before`; answers how many. */
	prune(before: number): Promise<number>;
}
