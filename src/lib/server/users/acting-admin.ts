import type { Change } from '../events/change';
import { Refusal } from '../refusal';
import { findUserById } from './user-store';

/**
 * Authority is checked where it is used (contract §5): the acting user's type is read again
 * inside the write transaction, so a demotion that committed first wins.
 */
export function requireActingAdmin(tx: Change, userId: string): void {
	if (findUserById(tx.db, userId)?.type !== 'admin') {
		throw new Refusal(403, 'only an admin may do this');
	}
}
