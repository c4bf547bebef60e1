import { getConfig } from '../config';
import { log } from '../log';
import { tooOftenRefusal } from '../refusal';
import { change } from '../storage';
import { attemptOf, countAttempt, RateLimiter } from './rate-limit';

/**
 * Counts a successful login of the user, refusing with 429 once they logged in too often within
 * the window: every login writes a session and an event, and the cap on live logins only bounds
 * the sessions. Checked after the password, so nobody but the user can spend their logins.
 */
export async function allowLogin(userId: string, now = Date.now()): Promise<void> {
	const config = getConfig();
	const limiter = new RateLimiter(
		'login-of-user',
		config.RATE_LIMIT_LOGINS_PER_USER,
		config.RATE_LIMIT_WINDOW_SECONDS * 1000
	);
	await change(
		(tx) =>
			countAttempt(tx, [attemptOf(limiter, userId)], now, (wait) => {
				log().warn({ event: 'rate-limited', limit: 'logins', userId }, 'too many logins');
				return tooOftenRefusal('too many logins', wait);
			}),
		now
	);
}
