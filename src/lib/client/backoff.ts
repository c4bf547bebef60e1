/**
 * Exponential backoff with jitter, so a restarted server is not met by every browser at the
 * same instant: from half to all of min(30 s, 0.5 s × 2^attempt).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 16));
	return Math.round(ceiling * (0.5 + random() / 2));
}
