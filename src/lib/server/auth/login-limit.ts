import { getConfig } from '../config';
import { log } from '../log';
import { tooOftenRefusal } from '../refusal';
import { attemptOf, countAttempt, RateLimiter } from './rate-limit';

const key = Symbol.for('tidewatch.loginLimiter');
type Global = { [key]?: RateLimiter };

function limiter(): RateLimiter {
	const config = getConfig();
	return ((globalThis as Global)[key] ??= new RateLimiter(
		config.RATE_LIMIT_LOGINS_PER_USER,
		config.RATE_LIMIT_WINDOW_SECONDS * 1000
	));
}

/**
 * Counts a successful login of the user, refusing with 429 once they logged in too often within
 * the window: every login writes a session and an event, and the cap on live logins only bounds
 * the sessions. Checked after the password, so nobody but the user can spend their logins.
 */
export function allowLogin(userId: string, now = Date.now()): void {
	countAttempt([attemptOf(limiter(), userId)], now, (wait) => {
		log().warn({ event: 'rate-limited', limit: 'logins', userId }, 'too many logins');
		return tooOftenRefusal('too many logins', wait);
	});
}
