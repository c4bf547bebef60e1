import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	attemptOf,
	countAttempt,
	countedAttempt,
	DistinctLimiter,
	nameOf,
	RateLimiter,
	type Limit
} from '$lib/server/auth/rate-limit';
import { Refusal, tooOftenRefusal } from '$lib/server/refusal';
import { change } from '$lib/server/storage';
import { modelRuns, readRecords } from '../helpers/storage';

/**
 * The count-then-refund limiter against a model: a list of the attempts counted and not taken
 * back. An attempt runs only while every limit has room for it, is counted before it runs, and
 * is taken back (once, and only it) when it succeeds or fails in a way that does not count. A
 * limit of attempts holds at most N in its window; a limit of distinct names holds at most N
 * names, and a name it holds may go on.
 */

interface Window {
	n: number;
	ms: number;
}

interface Counted {
	key: string;
	name: string;
	at: number;
	/** Still counted: not taken back. */
	live: boolean;
}

class Model {
	readonly attempts: Counted[] = [];

	private inWindow(key: string, window: Window, now: number): Counted[] {
		return this.attempts.filter((a) => a.live && a.key === key && a.at > now - window.ms);
	}

	/** The times of `key`'s attempts counted in the window, oldest first. */
	times(key: string, window: Window, now: number): number[] {
		return this.inWindow(key, window, now)
			.map((a) => a.at)
			.sort((a, b) => a - b);
	}

	/** Each of `key`'s names counted in the window, with the last time it was counted. */
	names(key: string, window: Window, now: number): Map<string, number> {
		const names = new Map<string, number>();
		for (const a of this.inWindow(key, window, now)) {
			names.set(a.name, Math.max(a.at, names.get(a.name) ?? -Infinity));
		}
		return names;
	}

	/** How long `key` waits for the limit of attempts: until the attempt that fills it leaves. */
	attemptsWait(key: string, window: Window, now: number): number {
		const times = this.times(key, window, now);
		return times.length >= window.n ? times[times.length - window.n] + window.ms - now : 0;
	}

	/** How long `name` waits under `key` for the limit of names: until a name leaves. */
	namesWait(key: string, name: string, window: Window, now: number): number {
		const names = this.names(key, window, now);
		if (names.has(name) || names.size < window.n) return 0;
		return Math.min(...names.values()) + window.ms - now;
	}
}

type Op =
	| { kind: 'tick'; ms: number }
	| { kind: 'start'; key: string; name: string }
	| { kind: 'settle'; pick: number; outcome: 'success' | 'counted' | 'outage' };

const keys = ['a', 'b'];
const names = ['x', 'y', 'z'];

const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
	fc.record({
		kind: fc.constant('start' as const),
		key: fc.constantFrom(...keys),
		name: fc.constantFrom(...names)
	}),
	fc.record({
		kind: fc.constant('settle' as const),
		pick: fc.nat(),
		outcome: fc.constantFrom('success' as const, 'counted' as const, 'outage' as const)
	})
);

const window: fc.Arbitrary<Window> = fc.record({
	n: fc.integer({ min: 1, max: 4 }),
	ms: fc.integer({ min: 100, max: 3_000 })
});

/** Limits of attempts, and perhaps one of distinct names, as a login has. */
const limitsConfig = fc
	.record({
		attempts: fc.array(window, { maxLength: 2 }),
		names: fc.option(window, { nil: null })
	})
	.filter((c) => c.attempts.length > 0 || c.names !== null);

class CountedFailure extends Error {}
class Outage extends Error {}

describe('the count-then-refund limiter', () => {
	beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
	afterEach(() => vi.useRealTimers());

	// The limits count in the process's storage; each run's limits are kinds of their own.
	let run = 0;

	it('never runs more than a limit allows in its window, and a refund frees exactly one', async () => {
		await fc.assert(
			fc.asyncProperty(limitsConfig, fc.array(op, { maxLength: 60 }), async (config, ops) => {
				run++;
				let now = 1_000_000;
				vi.setSystemTime(now);
				const attemptLimiters = config.attempts.map(
					(w, i) => new RateLimiter(`run ${run} attempts ${i}`, w.n, w.ms)
				);
				const nameLimiter =
					config.names && new DistinctLimiter(`run ${run} names`, config.names.n, config.names.ms);
				const model = new Model();
				/** Attempts still running: how to end each, and its entry in the model. */
				const running: {
					settle: (outcome: Op & { kind: 'settle' }) => void;
					ended: Promise<unknown>;
					counted: Counted;
				}[] = [];

				for (const step of ops) {
					if (step.kind === 'tick') {
						now += step.ms;
						vi.setSystemTime(now);
					} else if (step.kind === 'start') {
						const { key, name } = step;
						const expected = Math.max(
							0,
							...config.attempts.map((w) => model.attemptsWait(key, w, now)),
							config.names ? model.namesWait(key, name, config.names, now) : 0
						);
						const limits: Limit[] = attemptLimiters.map((l) => attemptOf(l, key));
						if (nameLimiter) limits.push(nameOf(nameLimiter, key, name));
						let refusedWith: number | null = null;
						let settle!: (outcome: Op & { kind: 'settle' }) => void;
						let started!: () => void;
						const begun = new Promise<void>((resolve) => (started = resolve));
						const result = countedAttempt({
							limits: () => limits,
							refused(wait) {
								refusedWith = wait;
								return tooOftenRefusal('too many', wait);
							},
							attempt: () =>
								new Promise<void>((resolve, reject) => {
									settle = ({ outcome }) => {
										if (outcome === 'success') resolve();
										else reject(outcome === 'counted' ? new CountedFailure() : new Outage());
									};
									started();
								}),
							counts: (error) => error instanceof CountedFailure
						});
						const ended = result.catch(() => {});
						// Counted, or refused, before the attempt starts.
						if (expected > 0) {
							await expect(result).rejects.toBeInstanceOf(Refusal);
							expect(refusedWith).toBe(expected);
						} else {
							await Promise.race([begun, result]);
							expect(refusedWith).toBeNull();
							const counted = { key, name, at: now, live: true };
							model.attempts.push(counted);
							running.push({ settle, ended, counted });
						}
					} else if (running.length > 0) {
						const [attempt] = running.splice(step.pick % running.length, 1);
						attempt.settle(step);
						await attempt.ended;
						if (step.outcome !== 'counted') attempt.counted.live = false;
					}

					await readRecords(async (records) => {
						for (const key of keys) {
							for (const [i, w] of config.attempts.entries()) {
								// The real limiter counts exactly what the model counts…
								expect(await attemptLimiters[i].retryAfter(records, key, now)).toBe(
									model.attemptsWait(key, w, now)
								);
								// …and that is never more than N in a window.
								expect(model.times(key, w, now).length).toBeLessThanOrEqual(w.n);
							}
							if (!nameLimiter || !config.names) continue;
							for (const name of names) {
								expect(await nameLimiter.retryAfter(records, key, name, now)).toBe(
									model.namesWait(key, name, config.names, now)
								);
							}
							expect(model.names(key, config.names, now).size).toBeLessThanOrEqual(config.names.n);
						}
					});
				}
				for (const attempt of running) {
					attempt.settle({ kind: 'settle', pick: 0, outcome: 'success' });
					await attempt.ended;
				}
			}),
			{ numRuns: modelRuns(300, 100) }
		);
	});

	it('counts a refused attempt against no limit', async () => {
		const tight = new RateLimiter('refused tight', 1, 1_000);
		const loose = new RateLimiter('refused loose', 5, 1_000);
		const limits = [attemptOf(loose, 'k'), attemptOf(tight, 'k')];
		const refused = (wait: number) => tooOftenRefusal('too many', wait);
		await change((tx) => countAttempt(tx, limits, 0, refused));
		for (let i = 0; i < 10; i++) {
			await expect(change((tx) => countAttempt(tx, limits, 1, refused))).rejects.toThrow(Refusal);
		}
		expect(await readRecords((records) => loose.retryAfter(records, 'k', 1))).toBe(0);
	});
});
