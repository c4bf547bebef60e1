import { getConfig } from '../config';
import { attemptOf, countedAttempt, RateLimiter } from '../auth/rate-limit';
import { Refusal, tooOftenRefusal } from '../refusal';

/**
 * Runs a use of a reset link under a limit on bad links per client address. A token has 256
 * random bits, so guessing is hopeless anyway; the limit keeps a guesser from spending the
 * server's time. Opening the page does not count: another site can make a browser do that. The
 * attempt counts before it runs, so parallel tries cannot slip past, and is taken back unless
 * the link turned out unknown, used or expired (400 or 410).
 */
export async function limitResetAttempts<T>(
	address: string,
	attempt: () => Promise<T> | T
): Promise<T> {
	const config = getConfig();
	const limiter = new RateLimiter(
		'bad-reset-link-of-address',
		config.RATE_LIMIT_PASSWORD_RESET_FAILURES_PER_ADDRESS,
		config.RATE_LIMIT_WINDOW_SECONDS * 1000
	);
	return countedAttempt({
		limits: () => [attemptOf(limiter, address)],
		refused: (wait) => tooOftenRefusal('too many bad password reset links', wait, 'token'),
		attempt,
		counts: (error) =>
			error instanceof Refusal &&
			error.field === 'token' &&
			(error.status === 400 || error.status === 410)
	});
}
