import { performance } from 'node:perf_hooks';
import { log } from '../log';

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
			try {
				work(items[next++]);
			} catch (error) {
				// One socket's failure must neither stop the others nor leave the work half done
				// for good (a fan-out that never finished would send nothing again).
				log().error(
					{ event: 'stream-work-failed', err: error },
					'stream work failed on one socket'
				);
			}
			if (next % clockEvery === 0 && performance.now() >= until) {
				setImmediate(slice);
				return;
			}
		}
		done?.();
	};
	slice();
}
