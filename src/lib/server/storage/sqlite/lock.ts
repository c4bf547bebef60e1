/**
 * Runs tasks one at a time, in the order they asked. A task that finds the lock free starts in
 * the caller's own turn (no hop through the microtask queue), so a read that needs no wait
 * costs what it did before the storage was asynchronous.
 */
export class Lock {
	private busy = false;
	private readonly waiting: (() => void)[] = [];

	async hold<T>(task: () => T | Promise<T>): Promise<T> {
		if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.busy = true;
		try {
			return await task();
		} finally {
			// Handed straight to the next in line: nobody can slip in between.
			const next = this.waiting.shift();
			if (next) next();
			else this.busy = false;
		}
	}
}
