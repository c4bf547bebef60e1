/**
 * The (name, client address) pairs that logged in successfully within `keepMs`, in memory: from
 * there, a name's owner is spared the limit that all addresses share. Only a correct password
 * adds a pair, so a guesser cannot grow the set; a restart forgets it, which costs the owner
 * that exemption until their next login and nothing else.
 */
export class KnownAddresses {
	/** Last success per pair, oldest first: Map keeps insertion order, and `add` re-inserts. */
	private readonly lastSuccess = new Map<string, number>();

	constructor(
		private readonly keepMs: number,
		private readonly maxSize = 100_000
	) {}

	has(pair: string, now: number): boolean {
		const at = this.lastSuccess.get(pair);
		return at !== undefined && at > now - this.keepMs;
	}

	add(pair: string, now: number): void {
		this.lastSuccess.delete(pair);
		this.lastSuccess.set(pair, now);
		for (const [oldest, at] of this.lastSuccess) {
			if (at > now - this.keepMs && this.lastSuccess.size <= this.maxSize) break;
			this.lastSuccess.delete(oldest);
		}
	}
}
