import type { Credentials } from '$lib/api';
import { getConfig } from '../config';
import { log } from '../log';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { checkCredentials } from './credentials';
import { KnownAddresses } from './known-addresses';
import { DistinctLimiter, RateLimiter, tooOftenRefusal } from './rate-limit';

interface Limiters {
	failuresByNameAndAddress: RateLimiter;
	failuresByName: RateLimiter;
	failedNamesByAddress: DistinctLimiter;
	knownAddresses: KnownAddresses;
	currentPasswordFailuresBySession: RateLimiter;
	registrationsByAddress: RateLimiter;
}

const key = Symbol.for('tidewatch.rateLimiters');
type Global = { [key]?: Limiters };

function limiters(): Limiters {
	const config = getConfig();
	const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
	return ((globalThis as Global)[key] ??= {
		failuresByNameAndAddress: new RateLimiter(
			config.RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS,
			windowMs
		),
		failuresByName: new RateLimiter(config.RATE_LIMIT_LOGIN_FAILURES_PER_NAME, windowMs),
		failedNamesByAddress: new DistinctLimiter(
			config.RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS,
			windowMs
		),
		// An address is known for as long as a login from it can last.
		knownAddresses: new KnownAddresses(config.SESSION_MAX_SECONDS * 1000),
		currentPasswordFailuresBySession: new RateLimiter(
			config.RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION,
			windowMs
		),
		registrationsByAddress: new RateLimiter(config.RATE_LIMIT_REGISTRATIONS_PER_ADDRESS, windowMs)
	});
}

/** One limit an attempt counts against: asked first, counted, and taken back on success. */
interface Count {
	retryAfter(now: number): number;
	record(now: number): void;
	refund(now: number): void;
}

/** A count of attempts under `key`. */
const attempts = (limiter: RateLimiter, key: string): Count => ({
	retryAfter: (now) => limiter.retryAfter(key, now),
	record: (now) => limiter.record(key, now),
	refund: (now) => limiter.refund(key, now)
});

/** A count of distinct names under `key`. */
function names(limiter: DistinctLimiter, key: string, name: string): Count {
	let before: number | undefined;
	return {
		retryAfter: (now) => limiter.retryAfter(key, name, now),
		record: (now) => void (before = limiter.record(key, name, now)),
		refund: (now) => limiter.refund(key, name, now, before)
	};
}

/**
 * Runs a password check under limits. The attempt is counted as a failure before the (slow,
 * asynchronous) check starts, so however many arrive in parallel, no more get checked than a
 * limit allows; a success, or an error that is no wrong guess, takes the count back.
 */
async function limited<T>(
	counts: Count[],
	refused: (waitMs: number) => Refusal,
	check: () => Promise<T>
): Promise<T> {
	const now = Date.now();
	const wait = Math.max(0, ...counts.map((count) => count.retryAfter(now)));
	if (wait > 0) throw refused(wait);
	for (const count of counts) count.record(now);
	const refund = () => counts.forEach((count) => count.refund(now));
	try {
		const result = await check();
		refund();
		return result;
	} catch (error) {
		const wrongGuess = error instanceof Refusal && (error.status === 401 || error.status === 403);
		if (!wrongGuess) refund();
		throw error;
	}
}

/**
 * Checks a login under three limits: failures for a name from one address (tight), failures for
 * a name across all addresses (loose), and how many different names failed from one address
 * (venue-sized). The last two do not apply where the name has logged in before, so a stranger's
 * guessing cannot lock the owner out; and since one person failing again and again is one name,
 * they cannot block the other people behind their address (a venue's Wi-Fi), while a client
 * trying many names is stopped. A correct password waits like a wrong one, or guessing would
 * simply go on.
 */
export function checkLogin(credentials: Credentials, address: string): Promise<ServerUser> {
	const l = limiters();
	const name = credentials.name.toLowerCase();
	const pair = JSON.stringify([name, address]);
	const counts = [attempts(l.failuresByNameAndAddress, pair)];
	if (!l.knownAddresses.has(pair, Date.now())) {
		counts.push(attempts(l.failuresByName, name), names(l.failedNamesByAddress, address, name));
	}
	return limited(
		counts,
		(wait) => {
			log().warn(
				{ event: 'rate-limited', limit: 'failed logins', name, address },
				'too many failed logins'
			);
			return tooOftenRefusal('too many failed logins', wait);
		},
		async () => {
			const user = await checkCredentials(credentials).catch((error: unknown) => {
				log().warn({ event: 'login-failed', name, address }, `failed login for ${name}`);
				throw error;
			});
			l.failuresByNameAndAddress.reset(pair);
			l.failedNamesByAddress.forget(address, name);
			l.knownAddresses.add(pair, Date.now());
			return user;
		}
	);
}

/**
 * Checks the current password a sensitive change asks for (`check` refuses a wrong one with
 * 403), limited per login like logins are: by the login and not the user, so whoever holds a
 * stolen session cannot lock the owner out of ending it.
 */
export function checkCurrentPassword(family: string, check: () => Promise<void>): Promise<void> {
	const { currentPasswordFailuresBySession } = limiters();
	return limited(
		[attempts(currentPasswordFailuresBySession, family)],
		(wait) => {
			log().warn(
				{ event: 'rate-limited', limit: 'wrong current passwords', family },
				'too many wrong current passwords'
			);
			return tooOftenRefusal('too many wrong current passwords', wait, 'currentPassword');
		},
		async () => {
			await check();
			currentPasswordFailuresBySession.reset(family);
		}
	);
}

/** Every registration attempt counts: failed ones probe which names exist. */
export function allowRegistration(address: string): void {
	const { registrationsByAddress } = limiters();
	const wait = registrationsByAddress.retryAfter(address, Date.now());
	if (wait > 0) {
		log().warn(
			{ event: 'rate-limited', limit: 'registrations', address },
			'too many registrations'
		);
		throw tooOftenRefusal('too many registrations', wait);
	}
	registrationsByAddress.record(address, Date.now());
}
