import { describe, expect, it } from 'vitest';
import { KnownAddresses } from '$lib/server/auth/known-addresses';

describe('known addresses', () => {
	it('knows a pair from its successful login until keepMs have passed', () => {
		const known = new KnownAddresses(1_000);
		expect(known.has('a', 0)).toBe(false);
		known.add('a', 0);
		expect(known.has('a', 999)).toBe(true);
		expect(known.has('a', 1_000)).toBe(false);
		expect(known.has('b', 500)).toBe(false);
	});

	it('a new success extends the pair', () => {
		const known = new KnownAddresses(1_000);
		known.add('a', 0);
		known.add('a', 800);
		expect(known.has('a', 1_500)).toBe(true);
	});

	it('holds at most maxSize pairs, dropping the least recent', () => {
		const known = new KnownAddresses(10_000, 2);
		known.add('a', 0);
		known.add('b', 1);
		known.add('a', 2);
		known.add('c', 3);
		expect(known.has('a', 4)).toBe(true);
		expect(known.has('b', 4)).toBe(false);
		expect(known.has('c', 4)).toBe(true);
	});

	it('drops expired pairs as it adds', () => {
		const known = new KnownAddresses(100, 1_000);
		known.add('old', 0);
		known.add('new', 500);
		expect(known.has('old', 0)).toBe(false);
	});
});
