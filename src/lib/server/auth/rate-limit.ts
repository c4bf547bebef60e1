import { Refusal } from '../refusal';

/**
 * A sliding-window count of attempts per key, in memory: the app is one process, and a restart
 * forgetting them costs an attacker a restart's worth of tries at most.
 */
export class RateLimiter {
	private readonly attempts = new Map<string, number[]>();

	constructor(
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Milliseconds until `key` may try again; 0 when it may now. */
	retryAfter(key: string, now: number): number {
		const recent = this.recent(key, now);
		return recent.length >= this.limit
			? recent[recent.length - this.limit] + this.windowMs - now
			: 0;
	}

	record(key: string, now: number): void {
		this.attempts.set(key, [...this.recent(key, now), now]);
		// Keys of past windows would otherwise pile up under a spray of random names.
		if (this.attempts.size > 100_000) {
			for (const other of this.attempts.keys()) this.recent(other, now);
		}
	}

	/** Takes back an attempt recorded at `at`: it turned out not to be a failure. */
	refund(key: string, at: number): void {
		const attempts = this.attempts.get(key);
		const index = attempts?.lastIndexOf(at) ?? -1;
		if (index < 0) return;
		attempts!.splice(index, 1);
		if (!attempts!.length) this.attempts.delete(key);
	}

	reset(key: string): void {
		this.attempts.delete(key);
	}

	private recent(key: string, now: number): number[] {
		const kept = (this.attempts.get(key) ?? []).filter((at) => at > now - this.windowMs);
		if (kept.length) this.attempts.set(key, kept);
		else this.attempts.delete(key);
		return kept;
	}
}

/** The 429 of a limit, its wait in words a person reads and in `Retry-After`. */
export function tooOftenRefusal(what: string, waitMs: number): Refusal {
	const seconds = Math.ceil(waitMs / 1000);
	const when = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
	return new Refusal(429, `${what}: try again in ${when}`, undefined, seconds);
}
