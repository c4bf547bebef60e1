import { getConfig } from '../config';
import type { Change, Records } from '../storage';
import { Refusal } from '../refusal';
import type { ServerSession, ServerUser } from '../types';
import { decideSession } from './session-decision';
import { sessionFacts, sessionTimes } from './session-rows';

/**
 * Authority is checked where it is used (docs/security.md): the hooks read the session when the
 * headers arrive, but a body may arrive minutes later, after a logout, a theft or a demotion.
 * Every change made on behalf of a session calls this first inside its write transaction, so
 * what it does rests on the session and user type as they are at commit.
 *
 * 401 when the acting login no longer stands (the session is gone, ended, superseded or
 * expired), 403 when an admin is needed and the user is no longer one. A session that another
 * tab rotated while this request's body was on its way still stands: its login goes on, and a
 * theft, a logout or a revocation would have ended it.
 */
export async function requireActor(
	tx: Change,
	session: ServerSession,
	options: { admin?: true } = {}
): Promise<ServerUser> {
	const row = await tx.sessions.find(session.id);
	const stands =
		row !== undefined &&
		row.ended_reason === null &&
		decideSession(await sessionFacts(tx, row), tx.now, sessionTimes(getConfig())) !== 'expired';
	const user = stands ? await tx.users.find(row.user_id) : undefined;
	if (!user) throw new Refusal(401, 'your session has ended: log in again');
	if (options.admin && user.type !== 'admin') throw new Refusal(403, 'only an admin may do this');
	return user;
}

/** A cheap early refusal before a body is read; the authoritative check is `requireActor`. */
export function requireAdmin(user: ServerUser): void {
	if (user.type !== 'admin') throw new Refusal(403, 'only an admin may do this');
}

/** The user a change or read acts on, as it is now; 404 when there is none. */
export async function requireUser(records: Records, id: string): Promise<ServerUser> {
	const user = await records.users.find(id);
	if (!user) throw new Refusal(404, 'no such user');
	return user;
}
