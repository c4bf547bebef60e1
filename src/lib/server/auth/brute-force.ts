import type { Credentials } from '$lib/api';
import { getConfig } from '../config';
import { log } from '../log';
import { Refusal, tooOftenRefusal } from '../refusal';
import type { ServerUser } from '../types';
import { checkCredentials } from './credentials';
import { KnownAddresses } from './known-addresses';
import {
	attemptOf,
	countAttemptNow,
	countedAttempt,
	DistinctLimiter,
	nameOf,
	RateLimiter
} from './rate-limit';

interface Limiters {
	failuresByNameAndAddress: RateLimiter;
	failuresByName: RateLimiter;
	failedNamesByAddress: DistinctLimiter;
	knownAddresses: KnownAddresses;
	currentPasswordFailuresBySession: RateLimiter;
	registrationsByAddress: RateLimiter;
}

/** The limits as configured; what they counted is in the attempts records. */
function limiters(): Limiters {
	const config = getConfig();
	const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
	return {
		failuresByNameAndAddress: new RateLimiter(
			'login-failure-of-name-and-address',
			config.RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS,
			windowMs
		),
		failuresByName: new RateLimiter(
			'login-failure-of-name',
			config.RATE_LIMIT_LOGIN_FAILURES_PER_NAME,
			windowMs
		),
		failedNamesByAddress: new DistinctLimiter(
			'failed-name-of-address',
			config.RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS,
			windowMs
		),
		// An address is known for as long as a login from it can last.
		knownAddresses: new KnownAddresses(config.SESSION_MAX_SECONDS * 1000),
		currentPasswordFailuresBySession: new RateLimiter(
			'current-password-failure-of-login',
			config.RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION,
			windowMs
		),
		registrationsByAddress: new RateLimiter(
			'registration-of-address',
			config.RATE_LIMIT_REGISTRATIONS_PER_ADDRESS,
			windowMs
		)
	};
}

/** A wrong password counts against the limits; anything else (an outage) does not. */
const wrongGuess = (error: unknown) =>
	error instanceof Refusal && (error.status === 401 || error.status === 403);

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
	return countedAttempt({
		async limits(records, now) {
			const counts = [attemptOf(l.failuresByNameAndAddress, pair)];
			if (!(await l.knownAddresses.has(records, pair, now))) {
				counts.push(
					attemptOf(l.failuresByName, name),
					nameOf(l.failedNamesByAddress, address, name)
				);
			}
			return counts;
		},
		refused(wait) {
			log().warn(
				{ event: 'rate-limited', limit: 'failed logins', name, address },
				'too many failed logins'
			);
			return tooOftenRefusal('too many failed logins', wait);
		},
		attempt: () =>
			checkCredentials(credentials).catch((error: unknown) => {
				log().warn({ event: 'login-failed', name, address }, `failed login for ${name}`);
				throw error;
			}),
		counts: wrongGuess,
		async succeeded(records, now) {
			await l.failuresByNameAndAddress.reset(records, pair);
			await l.failedNamesByAddress.forget(records, address, name);
			await l.knownAddresses.add(records, pair, now);
		}
	});
}

/**
 * Checks the current password a sensitive change asks for (`check` refuses a wrong one with
 * 403), limited per login like logins are: by the login and not the user, so whoever holds a
 * stolen session cannot lock the owner out of ending it.
 */
export function checkCurrentPassword(family: string, check: () => Promise<void>): Promise<void> {
	const { currentPasswordFailuresBySession: limiter } = limiters();
	return countedAttempt({
		limits: () => [attemptOf(limiter, family)],
		refused(wait) {
			log().warn(
				{ event: 'rate-limited', limit: 'wrong current passwords', family },
				'too many wrong current passwords'
			);
			return tooOftenRefusal('too many wrong current passwords', wait, 'currentPassword');
		},
		attempt: check,
		counts: wrongGuess,
		succeeded: (records) => limiter.reset(records, family)
	});
}

/** Every registration attempt counts: failed ones probe which names exist. */
export function allowRegistration(address: string): Promise<void> {
	const { registrationsByAddress } = limiters();
	return countAttemptNow([attemptOf(registrationsByAddress, address)], (wait) => {
		log().warn(
			{ event: 'rate-limited', limit: 'registrations', address },
			'too many registrations'
		);
		return tooOftenRefusal('too many registrations', wait);
	});
}
