import type { Credentials } from '$lib/api';
import { getConfig } from '../config';
import { Refusal } from '../refusal';
import type { ServerUser } from '../types';
import { checkCredentials } from './credentials';
import { RateLimiter } from './rate-limit';

interface Limiters {
	failuresByName: RateLimiter;
	failuresByAddress: RateLimiter;
	registrationsByAddress: RateLimiter;
}

const key = Symbol.for('tidewatch.rateLimiters');
type Global = { [key]?: Limiters };

function limiters(): Limiters {
	const config = getConfig();
	const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
	return ((globalThis as Global)[key] ??= {
		failuresByName: new RateLimiter(config.RATE_LIMIT_LOGIN_FAILURES_PER_NAME, windowMs),
		failuresByAddress: new RateLimiter(config.RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS, windowMs),
		registrationsByAddress: new RateLimiter(config.RATE_LIMIT_REGISTRATIONS_PER_ADDRESS, windowMs)
	});
}

function tooMany(what: string, waitMs: number): Refusal {
	const seconds = Math.ceil(waitMs / 1000);
	const minutes = Math.ceil(seconds / 60);
	const when = seconds < 120 ? `${seconds} seconds` : `${minutes} minutes`;
	return new Refusal(429, `too many ${what}: try again in ${when}`, undefined, seconds);
}

/**
 * Checks a login, refusing with 429 once a name or a client address has failed too often within
 * the window: a correct password then waits too, or guessing would simply go on.
 */
export async function checkLogin(credentials: Credentials, address: string): Promise<ServerUser> {
	const { failuresByName, failuresByAddress } = limiters();
	const name = credentials.name.toLowerCase();
	const wait = Math.max(
		failuresByName.retryAfter(name, Date.now()),
		failuresByAddress.retryAfter(address, Date.now())
	);
	if (wait > 0) throw tooMany('failed logins', wait);
	try {
		const user = await checkCredentials(credentials);
		failuresByName.reset(name);
		return user;
	} catch (error) {
		if (error instanceof Refusal && error.status === 401) {
			failuresByName.record(name, Date.now());
			failuresByAddress.record(address, Date.now());
		}
		throw error;
	}
}

/** Every registration attempt counts: failed ones probe which names exist. */
export function allowRegistration(address: string): void {
	const { registrationsByAddress } = limiters();
	const wait = registrationsByAddress.retryAfter(address, Date.now());
	if (wait > 0) throw tooMany('registrations', wait);
	registrationsByAddress.record(address, Date.now());
}
