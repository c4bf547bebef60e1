import { getConfig } from '../config';
import type { Change } from '../storage';
import { log } from '../log';
import type { ServerUser } from '../types';
import { tooOftenRefusal } from '../refusal';
import { attemptOf, countAttempt, RateLimiter } from './rate-limit';

/** A burst a person may make, and what they may keep up: each within its own window. */
type WriteBudget = readonly RateLimiter[];

const key = Symbol.for('tidewatch.writeBudget');
type Global = { [key]?: WriteBudget };

function budget(): WriteBudget {
	const config = getConfig();
	return ((globalThis as Global)[key] ??= [
		new RateLimiter(
			config.RATE_LIMIT_WRITES_PER_USER_PER_MINUTE,
			config.RATE_LIMIT_WRITES_MINUTE_SECONDS * 1000
		),
		new RateLimiter(
			config.RATE_LIMIT_WRITES_PER_USER_PER_HOUR,
			config.RATE_LIMIT_WRITES_HOUR_SECONDS * 1000
		)
	]);
}

/**
 * The write budget (docs/security.md, "Write budget"): every change a user other than an admin
 * can repeat at will — marks, renames, feeds, shift places, ending their other logins — spends
 * one write, and beyond the budget it is refused with 429 before it writes anything. Called
 * inside the change's transaction, right after the actor is read, so the API routes and the
 * form actions meet one rule. Every attempt counts, whatever it answers:
 * one that changes nothing still took a write transaction. Admins run the instance and are not
 * counted.
 */
export function spendWrite(
	tx: Pick<Change, 'now'>,
	user: Pick<ServerUser, 'id' | 'type'>,
	limits: WriteBudget = budget()
): void {
	if (user.type === 'admin') return;
	countAttempt(
		limits.map((limit) => attemptOf(limit, user.id)),
		tx.now,
		(wait) => tooOftenRefusal('too many changes', wait)
	);
	// Once when the budget runs out, not on every refusal: a script refused 200 times a second
	// must not flood the log.
	if (limits.some((limit) => limit.retryAfter(user.id, tx.now) > 0)) {
		log().warn({ event: 'rate-limited', limit: 'writes', userId: user.id }, 'write budget spent');
	}
}
