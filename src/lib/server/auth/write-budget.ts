import { getConfig } from '../config';
import type { Change } from '../storage';
import { log } from '../log';
import type { ServerUser } from '../types';
import { tooOftenRefusal } from '../refusal';
import { RateLimiter } from './rate-limit';

/** A burst a person may make, and what they may keep up: each within its own window. */
type WriteBudget = readonly RateLimiter[];

function budget(): WriteBudget {
	const config = getConfig();
	return [
		new RateLimiter(
			'write-of-user-per-minute',
			config.RATE_LIMIT_WRITES_PER_USER_PER_MINUTE,
			config.RATE_LIMIT_WRITES_MINUTE_SECONDS * 1000
		),
		new RateLimiter(
			'write-of-user-per-hour',
			config.RATE_LIMIT_WRITES_PER_USER_PER_HOUR,
			config.RATE_LIMIT_WRITES_HOUR_SECONDS * 1000
		)
	];
}

/**
 * The write budget (docs/security.md, "Write budget"): every change a user other than an admin
 * can repeat at will — marks, renames, feeds, shift places, ending their other logins — spends
 * one write, and beyond the budget it is refused with 429 before it writes anything. Called
 * inside the change's transaction, right after the actor is read, so the API routes and the
 * form actions meet one rule, and every instance counts against the same budget. Every attempt
 * counts, whatever it answers: one that changes nothing still took a write transaction. Admins
 * run the instance and are not counted.
 */
export async function spendWrite(
	tx: Pick<Change, 'now' | 'attempts'>,
	user: Pick<ServerUser, 'id' | 'type'>,
	limits: WriteBudget = budget()
): Promise<void> {
	if (user.type === 'admin') return;
	const recent = await requireWriteBudget(tx, user, tx.now, limits);
	for (const limit of limits) await limit.record(tx, user.id, tx.now);
	// Once when the budget runs out, not on every refusal: a script refused 200 times a second
	// must not flood the log.
	if (limits.some((limit, i) => limit.waitFor([...recent[i], tx.now], tx.now) > 0)) {
		log().warn({ event: 'rate-limited', limit: 'writes', userId: user.id }, 'write budget spent');
	}
}

/**
 * Refuses with 429 when the user's budget is spent, writing nothing: also asked before the
 * slow check of a current password, so a refused change costs no Argon2 and writes no attempt.
 * Answers each limit's recent writes.
 */
export async function requireWriteBudget(
	records: Pick<Change, 'attempts'>,
	user: Pick<ServerUser, 'id' | 'type'>,
	now: number,
	limits: WriteBudget = budget()
): Promise<number[][]> {
	if (user.type === 'admin') return [];
	const recent: number[][] = [];
	for (const limit of limits) recent.push(await limit.recent(records, user.id, now));
	const wait = Math.max(0, ...limits.map((limit, i) => limit.waitFor(recent[i], now)));
	if (wait > 0) throw tooOftenRefusal('too many changes', wait);
	return recent;
}
