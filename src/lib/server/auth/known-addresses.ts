import type { Records } from '../storage';

const kind = 'known-address';

/**
 * The (name, client address) pairs that logged in successfully within `keepMs`, kept with the
 * attempts: from there, a name's owner is spared the limit that all addresses share. Only a
 * correct password adds a pair, so a guesser cannot grow them, and each is swept once
 * `keepMs` passed without another success.
 */
export class KnownAddresses {
	constructor(private readonly keepMs: number) {}

	async has(records: Pick<Records, 'attempts'>, pair: string, now: number): Promise<boolean> {
		return (await records.attempts.times(kind, pair, now - this.keepMs)).length > 0;
	}

	async add(records: Pick<Records, 'attempts'>, pair: string, now: number): Promise<void> {
		await records.attempts.clear(kind, pair);
		await records.attempts.add(kind, pair, '', now, now + this.keepMs);
	}
}
