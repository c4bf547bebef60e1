import { afterEach, describe, expect, it } from 'vitest';
import { Deadlines } from '$lib/server/stream/deadlines';
import { sleep } from '../helpers/wait';

type Item = { name: string; deadlineTick: number };
const made: Deadlines<Item>[] = [];
afterEach(() => made.splice(0).forEach((d) => d.stop()));

describe("streams' session deadlines", () => {
	it('are due after their time (within one second), once, and never once unwatched', async () => {
		const due = new Map<string, number[]>();
		const deadlines = new Deadlines<Item>((item) => {
			due.set(item.name, [...(due.get(item.name) ?? []), Date.now()]);
		}, 50);
		made.push(deadlines);
		const now = Date.now();
		const at = { soon: now - 10, later: now + 400, gone: now + 100 };
		const items = Object.keys(at).map((name) => ({ name, deadlineTick: 0 }));
		for (const item of items) deadlines.watch(item, at[item.name as keyof typeof at]);
		deadlines.unwatch(items[2]);
		await sleep(1_500);
		expect([...due.keys()].sort()).toEqual(['later', 'soon']);
		for (const name of ['soon', 'later'] as const) {
			expect(due.get(name)).toHaveLength(1);
			expect(due.get(name)![0]).toBeGreaterThanOrEqual(at[name]);
		}
		expect(due.get('later')![0] - at.later).toBeLessThan(1_000);
		expect(items.every((item) => item.deadlineTick === 0)).toBe(true);
	});

	it('an item watched again is due at its new time only', async () => {
		let count = 0;
		const deadlines = new Deadlines<Item>(() => count++, 50);
		made.push(deadlines);
		const item = { name: 'x', deadlineTick: 0 };
		deadlines.watch(item, Date.now() + 100);
		deadlines.watch(item, Date.now() + 60_000);
		await sleep(400);
		expect(count).toBe(0);
	});
});
