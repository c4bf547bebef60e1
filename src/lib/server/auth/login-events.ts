import { appendEvent, type Change } from '../storage';

/**
 * The personal events of the account's sessions list: each names one login (its family) or one
 * security record, so what a login writes to the event log never grows with how many logins
 * the account holds.
 */

/** A login began (or what the list shows of it changed). */
export async function appendLoginUpdate(tx: Change, userId: string, family: string) {
	const session = await tx.sessions.ownSession(family);
	if (session) appendEvent(tx, { type: 'session-update', data: { userId, session } });
}

/** A login ended, whatever ended it. */
export function appendLoginEnded(tx: Change, userId: string, id: string): void {
	appendEvent(tx, { type: 'session-delete', data: { userId, id } });
}

/** A login was ended as taken: it leaves the list and its security record joins the account's. */
export async function appendLoginTaken(tx: Change, userId: string, family: string) {
	appendLoginEnded(tx, userId, family);
	const [record] = await tx.securityRecords.listOf(userId, 1);
	if (record) appendEvent(tx, { type: 'security-record', data: { userId, record } });
}
