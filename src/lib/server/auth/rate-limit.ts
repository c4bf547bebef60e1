import type { Refusal } from '../refusal';
import { change, type Records } from '../storage';

/*
 * Sliding-window limits on attempts, counted in the database (the attempts records) so that
 * every instance of the app counts against the same limits, and a restart forgets nothing
 * (docs/security.md, "Guessing limits"). Each attempt is kept until it leaves its window and
 * the next sweep (`startup.ts`) deletes it, so what is kept is bounded by what the limits let
 * through in a window and a sweep's interval.
 */

/** What a limit reads and writes: the attempts records of a read or a change. */
type Counts = Pick<Records, 'attempts'>;

/**
 * Milliseconds until one more attempt fits when `times` (oldest first) are the attempts in the
 * window: 0 while fewer than `limit`; else until the one that makes it full leaves the window.
 */
export function waitForRoom(
	times: readonly number[],
	limit: number,
	windowMs: number,
	now: number
): number {
	return times.length >= limit ? times[times.length - limit] + windowMs - now : 0;
}

/**
 * Milliseconds until `name` may be counted when `names` were counted in the window: 0 for a
 * name already counted or while there is room; else until a name leaves the window with the
 * last time it was counted.
 */
export function waitForName(
	names: readonly { name: string; last: number }[],
	name: string,
	limit: number,
	windowMs: number,
	now: number
): number {
	if (names.length < limit || names.some((counted) => counted.name === name)) return 0;
	return Math.min(...names.map((counted) => counted.last)) + windowMs - now;
}

/** At most `limit` attempts per key within `windowMs`. `kind` names it in the records. */
export class RateLimiter {
	constructor(
		readonly kind: string,
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Milliseconds until `key` may try again; 0 when it may now. */
	async retryAfter(records: Counts, key: string, now: number): Promise<number> {
		return this.waitFor(await this.recent(records, key, now), now);
	}

	/** The times of `key`'s attempts in the window, oldest first. */
	recent(records: Counts, key: string, now: number): Promise<number[]> {
		return records.attempts.times(this.kind, key, now - this.windowMs);
	}

	/** Milliseconds until one more attempt fits after `times` (from `recent`). */
	waitFor(times: readonly number[], now: number): number {
		return waitForRoom(times, this.limit, this.windowMs, now);
	}

	record(records: Counts, key: string, now: number): Promise<void> {
		return records.attempts.add(this.kind, key, '', now, now + this.windowMs);
	}

	/** Takes back an attempt recorded at `at`: it turned out not to be a failure. */
	refund(records: Counts, key: string, at: number): Promise<void> {
		return records.attempts.remove(this.kind, key, '', at);
	}

	reset(records: Counts, key: string): Promise<void> {
		return records.attempts.clear(this.kind, key);
	}
}

/**
 * At most `limit` distinct names per key within `windowMs`: how many different names failed to
 * log in from one client address. A name already counted there may go on (its own limits hold
 * it); only a new name beyond the limit waits. So one person failing again and again counts
 * once, and a hall of people behind one address is told apart from one client trying many names.
 */
export class DistinctLimiter {
	constructor(
		readonly kind: string,
		private readonly limit: number,
		private readonly windowMs: number
	) {}

	/** Milliseconds until `name` may be counted under `key`; 0 when it may now. */
	async retryAfter(records: Counts, key: string, name: string, now: number): Promise<number> {
		const names = await records.attempts.names(this.kind, key, now - this.windowMs);
		return waitForName(names, name, this.limit, this.windowMs, now);
	}

	record(records: Counts, key: string, name: string, now: number): Promise<void> {
		return records.attempts.add(this.kind, key, name, now, now + this.windowMs);
	}

	/**
	 * Takes back the count of `name` made at `at`, whose attempt turned out not to be a failure;
	 * the name stays counted by its other attempts.
	 */
	refund(records: Counts, key: string, name: string, at: number): Promise<void> {
		return records.attempts.remove(this.kind, key, name, at);
	}

	forget(records: Counts, key: string, name: string): Promise<void> {
		return records.attempts.clear(this.kind, key, name);
	}
}

/**
 * One limit an attempt counts against, for one attempt: asked first, counted, and taken back
 * should the attempt turn out not to count.
 */
export interface Limit {
	/** Milliseconds until the attempt may be counted; 0 when it may now. */
	retryAfter(records: Counts, now: number): Promise<number>;
	record(records: Counts, now: number): Promise<void>;
	refund(records: Counts, now: number): Promise<void>;
}

/** An attempt counted under `key`. */
export function attemptOf(limiter: RateLimiter, key: string): Limit {
	return {
		retryAfter: (records, now) => limiter.retryAfter(records, key, now),
		record: (records, now) => limiter.record(records, key, now),
		refund: (records, now) => limiter.refund(records, key, now)
	};
}

/** An attempt counted as one of the distinct names under `key`. */
export function nameOf(limiter: DistinctLimiter, key: string, name: string): Limit {
	return {
		retryAfter: (records, now) => limiter.retryAfter(records, key, name, now),
		record: (records, now) => limiter.record(records, key, name, now),
		refund: (records, now) => limiter.refund(records, key, name, now)
	};
}

/**
 * Counts one attempt at `now` against every limit, or refuses it with the longest wait and counts
 * it against none. Runs inside a change: every instance's attempts take turns with it, so
 * however many arrive at once, no more are counted than the limits allow.
 */
export async function countAttempt(
	records: Counts,
	limits: readonly Limit[],
	now: number,
	refused: (waitMs: number) => Refusal
): Promise<void> {
	let wait = 0;
	for (const limit of limits) wait = Math.max(wait, await limit.retryAfter(records, now));
	if (wait > 0) throw refused(wait);
	for (const limit of limits) await limit.record(records, now);
}

/** Counts one attempt at `now`, in a change of its own; refused as `countAttempt` refuses. */
export function countAttemptNow(
	limits: readonly Limit[],
	refused: (waitMs: number) => Refusal,
	now = Date.now()
): Promise<void> {
	return change((tx) => countAttempt(tx, limits, now, refused), now);
}

/** Takes back, from every limit, the attempt counted at `now`. */
export async function refundAttempt(
	records: Counts,
	limits: readonly Limit[],
	now: number
): Promise<void> {
	for (const limit of limits) await limit.refund(records, now);
}

export interface CountedAttempt<T> {
	/** The limits it counts against, chosen in the change that counts it. */
	limits: (records: Counts, now: number) => readonly Limit[] | Promise<readonly Limit[]>;
	refused: (waitMs: number) => Refusal;
	attempt: () => Promise<T> | T;
	/** Whether a failure counts; an outage is no guess. */
	counts: (error: unknown) => boolean;
	/** Run in the change that takes the attempt back after it succeeded. */
	succeeded?: (records: Counts, now: number) => Promise<void>;
}

/**
 * Runs an attempt that counts only if it fails. It is counted, in a change, before it starts,
 * so however many arrive in parallel on however many instances, no more run than the limits
 * allow; it is taken back once it succeeds, or fails in a way that does not count.
 */
export async function countedAttempt<T>(counted: CountedAttempt<T>): Promise<T> {
	const now = Date.now();
	const limits = await change(async (tx) => {
		const limits = await counted.limits(tx, now);
		await countAttempt(tx, limits, now, counted.refused);
		return limits;
	}, now);
	let result: T;
	try {
		result = await counted.attempt();
	} catch (error) {
		if (!counted.counts(error)) await change((tx) => refundAttempt(tx, limits, now));
		throw error;
	}
	await change(async (tx) => {
		await refundAttempt(tx, limits, now);
		await counted.succeeded?.(tx, now);
	});
	return result;
}
