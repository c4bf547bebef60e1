import { describe, expect, it } from 'vitest';
import { KnownAddresses } from '$lib/server/auth/known-addresses';
import { memoryRecords } from '../helpers/storage';

describe('known addresses', () => {
	it('knows a pair from its successful login until keepMs have passed', async () => {
		const { records } = memoryRecords();
		const known = new KnownAddresses(1_000);
		expect(await known.has(records, 'a', 0)).toBe(false);
		await known.add(records, 'a', 0);
		expect(await known.has(records, 'a', 999)).toBe(true);
		expect(await known.has(records, 'a', 1_000)).toBe(false);
		expect(await known.has(records, 'b', 500)).toBe(false);
	});

	it('a new success extends the pair, and keeps one row for it', async () => {
		const { records } = memoryRecords();
		const known = new KnownAddresses(1_000);
		await known.add(records, 'a', 0);
		await known.add(records, 'a', 800);
		expect(await known.has(records, 'a', 1_500)).toBe(true);
		expect(await records.attempts.times('known-address', 'a', -1)).toEqual([800]);
	});

	it('keeps no pair beyond keepMs: the sweep deletes the ones that went stale', async () => {
		const { records } = memoryRecords();
		const known = new KnownAddresses(1_000);
		for (let i = 0; i < 50; i++) await known.add(records, `old ${i}`, i);
		await known.add(records, 'new', 2_000);
		expect(await records.attempts.prune(2_000)).toBe(50);
		for (let i = 0; i < 50; i++) {
			expect(await records.attempts.times('known-address', `old ${i}`, -1)).toEqual([]);
		}
		expect(await known.has(records, 'new', 2_500)).toBe(true);
	});
});
