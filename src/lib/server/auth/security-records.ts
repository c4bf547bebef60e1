import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

/**
 * Deletes security records (a taken session…) written before `before` (ms): they tell a person
 * what happened to their account lately, and are not kept forever
 * (`SECURITY_RECORD_RETENTION_SECONDS`). Returns how many went.
 */
export function pruneSecurityRecords(db: Db, before: number): number {
	return prepared(db, 'DELETE FROM security_record WHERE created_at < ?').run(before).changes;
}
