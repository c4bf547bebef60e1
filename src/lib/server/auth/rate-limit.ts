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
export function tooOftenRefusal(what: string, waitMs: number, field?: string): Refusal {
	const seconds = Math.ceil(waitMs / 1000);
	const when = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
	return new Refusal(429, `${what}: try again in ${when}`, field, seconds);
}

/**
 * A sliding-window count of distinct names per key, in memory: how many different names failed
 * to log in from one client address. A name already counted there may go on (its own limits
 * hold it); only a new name beyond the limit waits. So one person failing again and again counts
 * once, and a hall of people behind one address is told apart from one client trying many names.
 */
export class DistinctLimiter {
	/** Per key, each name with the time it was last counted. */
	private readonly names = new Map<string, Map<string, number>>();

	constructor(
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Milliseconds until `name` may be counted under `key`; 0 when it may now. */
	retryAfter(key: string, name: string, now: number): number {
		const recent = this.recent(key, now);
		if (!recent || recent.has(name) || recent.size < this.limit) return 0;
		let oldest = now;
		for (const at of recent.values()) oldest = Math.min(oldest, at);
		return oldest + this.windowMs - now;
	}

	/** Counts `name` under `key` at `now`; returns what refund needs to take it back. */
	record(key: string, name: string, now: number): number | undefined {
		let recent = this.recent(key, now);
		if (!recent) this.names.set(key, (recent = new Map()));
		const before = recent.get(name);
		recent.set(name, now);
		if (this.names.size > 100_000) {
			for (const other of this.names.keys()) this.recent(other, now);
		}
		return before;
	}

	/**
	 * Takes back the `record` made at `at`, whose attempt turned out not to be a failure, unless
	 * the name was counted again or forgotten since.
	 */
	refund(key: string, name: string, at: number, before: number | undefined): void {
		const recent = this.names.get(key);
		if (recent?.get(name) !== at) return;
		if (before === undefined) recent.delete(name);
		else recent.set(name, before);
		if (!recent.size) this.names.delete(key);
	}

	forget(key: string, name: string): void {
		const recent = this.names.get(key);
		recent?.delete(name);
		if (recent && !recent.size) this.names.delete(key);
	}

	private recent(key: string, now: number): Map<string, number> | undefined {
		const recent = this.names.get(key);
		if (!recent) return undefined;
		for (const [name, at] of recent) if (at <= now - this.windowMs) recent.delete(name);
		if (recent.size) return recent;
		this.names.delete(key);
		return undefined;
	}
}
