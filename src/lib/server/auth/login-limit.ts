import { getConfig } from '../config';
import { log } from '../log';
import { tooOftenRefusal } from '../refusal';
import { attemptOf, countAttemptNow, RateLimiter } from './rate-limit';

/**
 * Counts a successful login of the user, refusing with 429 once they logged in too often within
 * the window: every login writes a session and an event, and the cap on live logins only bounds
 * the sessions. Checked after the password, so nobody but the user can spend their logins.
 */
export function allowLogin(userId: string, now = Date.now()): Promise<void> {
	const config = getConfig();
	const limiter = new RateLimiter(
		'login-of-user',
		config.RATE_LIMIT_LOGINS_PER_USER,
		config.RATE_LIMIT_WINDOW_SECONDS * 1000
	);
	return countAttemptNow(
		[attemptOf(limiter, userId)],
		(wait) => {
			log().warn({ event: 'rate-limited', limit: 'logins', userId }, 'too many logins');
			return tooOftenRefusal('too many logins', wait);
		},
		now
	);
}
