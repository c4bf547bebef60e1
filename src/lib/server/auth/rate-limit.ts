import type { Refusal } from '../refusal';

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

/**
 * A sliding-window count of distinct names per key, in memory: how many different names failed
 * to log in from one client address. A name already counted there may go on (its own limits
 * hold it); only a new name beyond the limit waits. So one person failing again and again counts
 * once, and a hall of people behind one address is told apart from one client trying many names.
 */
export class DistinctLimiter {
	/** Per key, each name with the times it was counted within the window. */
	private readonly names = new Map<string, Map<string, number[]>>();

	constructor(
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Milliseconds until `name` may be counted under `key`; 0 when it may now. */
	retryAfter(key: string, name: string, now: number): number {
		const recent = this.recent(key, now);
		if (!recent || recent.has(name) || recent.size < this.limit) return 0;
		// A name leaves the window with the last time it was counted.
		let leaves = Infinity;
		for (const times of recent.values()) leaves = Math.min(leaves, Math.max(...times));
		return leaves + this.windowMs - now;
	}

	record(key: string, name: string, now: number): void {
		let recent = this.recent(key, now);
		if (!recent) this.names.set(key, (recent = new Map()));
		recent.set(name, [...(recent.get(name) ?? []), now]);
		if (this.names.size > 100_000) {
			for (const other of this.names.keys()) this.recent(other, now);
		}
	}

	/**
	 * Takes back the count of `name` made at `at`, whose attempt turned out not to be a failure;
	 * the name stays counted by its other attempts.
	 */
	refund(key: string, name: string, at: number): void {
		const recent = this.names.get(key);
		const times = recent?.get(name);
		const index = times?.lastIndexOf(at) ?? -1;
		if (index < 0) return;
		times!.splice(index, 1);
		if (!times!.length) recent!.delete(name);
		if (!recent!.size) this.names.delete(key);
	}

	forget(key: string, name: string): void {
		const recent = this.names.get(key);
		recent?.delete(name);
		if (recent && !recent.size) this.names.delete(key);
	}

	private recent(key: string, now: number): Map<string, number[]> | undefined {
		const recent = this.names.get(key);
		if (!recent) return undefined;
		for (const [name, times] of recent) {
			const kept = times.filter((at) => at > now - this.windowMs);
			if (kept.length) recent.set(name, kept);
			else recent.delete(name);
		}
		if (recent.size) return recent;
		this.names.delete(key);
		return undefined;
	}
}

/**
 * One limit an attempt counts against, for one attempt: asked first, counted, and taken back
 * should the attempt turn out not to count.
 */
export interface Limit {
	/** Milliseconds until the attempt may be counted; 0 when it may now. */
	retryAfter(now: number): number;
	record(now: number): void;
	refund(now: number): void;
}

/** An attempt counted under `key`. */
export function attemptOf(limiter: RateLimiter, key: string): Limit {
	return {
		retryAfter: (now) => limiter.retryAfter(key, now),
		record: (now) => limiter.record(key, now),
		refund: (now) => limiter.refund(key, now)
	};
}

/** An attempt counted as one of the distinct names under `key`. */
export function nameOf(limiter: DistinctLimiter, key: string, name: string): Limit {
	return {
		retryAfter: (now) => limiter.retryAfter(key, name, now),
		record: (now) => limiter.record(key, name, now),
		refund: (now) => limiter.refund(key, name, now)
	};
}

/**
 * Counts one attempt at `now` against every limit, or refuses it with the longest wait and counts
 * it against none. Returns what takes the attempt back, once, from every limit.
 */
export function countAttempt(
	limits: readonly Limit[],
	now: number,
	refused: (waitMs: number) => Refusal
): () => void {
	const wait = Math.max(0, ...limits.map((limit) => limit.retryAfter(now)));
	if (wait > 0) throw refused(wait);
	for (const limit of limits) limit.record(now);
	let counted = true;
	return () => {
		if (!counted) return;
		counted = false;
		for (const limit of limits) limit.refund(now);
	};
}

/**
 * Runs an attempt that counts only if it fails. It is counted before it starts, so however many
 * arrive in parallel, no more run than the limits allow; it is taken back once it succeeds, or
 * fails in a way that is not `counts` (an outage is no guess).
 */
export async function countedAttempt<T>(
	limits: readonly Limit[],
	refused: (waitMs: number) => Refusal,
	attempt: () => Promise<T> | T,
	counts: (error: unknown) => boolean
): Promise<T> {
	const refund = countAttempt(limits, Date.now(), refused);
	try {
		const result = await attempt();
		refund();
		return result;
	} catch (error) {
		if (!counts(error)) refund();
		throw error;
	}
}
