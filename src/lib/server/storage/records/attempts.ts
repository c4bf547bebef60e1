/**
 * Attempts counted against the guessing and write limits (`auth/rate-limit.ts`), kept in the
 * database so that every instance counts against the same limits. `kind` names the limit,
 * `key` what it counts for (an address, a name, a user), `name` the distinct name a count of
 * names holds ('' otherwise).
 */
export interface AttemptRecords {
	/** The times of `key`'s attempts after `since`, oldest first, one per attempt. */
	times(kind: string, key: string, since: number): Promise<number[]>;
	/** Each name counted under `key` after `since`, with the last time it was counted. */
	names(kind: string, key: string, since: number): Promise<{ name: string; last: number }[]>;
	/** Counts an attempt at `at`, kept until `expiresAt` (when it leaves its window). */
	add(kind: string, key: string, name: string, at: number, expiresAt: number): Promise<void>;
	/** Takes back one attempt counted at `at`; nothing when there is none. */
	remove(kind: string, key: string, name: string, at: number): Promise<void>;
	/** Forgets `key`'s attempts, or only those of `name`. */
	clear(kind: string, key: string, name?: string): Promise<void>;
	/** Deletes every attempt that left its window by `now`. */
	prune(now: number): Promise<number>;
}
