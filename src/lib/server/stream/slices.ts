import { performance } from 'node:perf_hooks';

/** How long one slice of work over many sockets may run before it yields to the event loop. */
export const sliceMs = 8;
/** How many items are done between two looks at the clock. */
const clockEvery = 32;

/**
 * Runs `work` over every item, yielding to the event loop (setImmediate) whenever a slice has
 * run `budgetMs`, so that accepts, reads and timers keep flowing however many items there are.
 * `done` runs after the last item, in the same turn as it.
 */
export function inSlices<T>(
	items: readonly T[],
	work: (item: T) => void,
	done?: () => void,
	budgetMs = sliceMs
): void {
	let next = 0;
	const slice = () => {
		const until = performance.now() + budgetMs;
		while (next < items.length) {
			work(items[next++]);
			if (next % clockEvery === 0 && performance.now() >= until) {
				setImmediate(slice);
				return;
			}
		}
		done?.();
	};
	slice();
}
