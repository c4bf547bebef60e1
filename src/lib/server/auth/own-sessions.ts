import type { ApiAccountSecurity, ApiOwnSession } from '$lib/api';
import { change, type Records } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession } from '../types';
import { requireActor } from './actor';
import { spendWrite } from './write-budget';
import { endFamily, endUserFamilies } from './session-end';

/**
 * The user's logins, one per family, named by the family: rotation changes the session but not
 * the login a person recognises. Rotated predecessors and tombstones are bookkeeping.
 */
export async function readAccountSecurity(
	records: Records,
	userId: string
): Promise<ApiAccountSecurity> {
	return {
		userId,
		sessions: await records.sessions.ownSessionsOf(userId),
		securityRecords: await records.securityRecords.listOf(userId, 50)
	};
}

/** Marks "this session" for an answer to the request that presented it. */
export function markCurrent(sessions: ApiOwnSession[], current: ServerSession): ApiOwnSession[] {
	return sessions.map((session) => ({ ...session, current: session.id === current.family }));
}

/**
 * Ends one of the account's logins; ending the current one is a logout, which the write budget
 * never refuses: a login must always be able to end, and logins themselves are limited.
 */
export async function endOwnSession(
	current: ServerSession,
	family: string
): Promise<'logged-out' | 'revoked'> {
	return change(async (tx) => {
		const user = await requireActor(tx, current);
		if (family !== current.family) await spendWrite(tx, user);
		if (!(await tx.sessions.isOpenFamilyOf(current.userId, family))) {
			throw new Refusal(404, 'no such session');
		}
		const reason = family === current.family ? 'logged-out' : 'revoked';
		await endFamily(tx, current.userId, family, reason);
		return reason;
	});
}

/** Ends every login of the account but the current one ("end all other sessions"). */
export async function endOtherOwnSessions(current: ServerSession): Promise<void> {
	await change(async (tx) => {
		await spendWrite(tx, await requireActor(tx, current));
		await endUserFamilies(tx, current.userId, 'revoked', current.family);
	});
}
