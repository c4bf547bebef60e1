import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { clientErrorsPerMinute, logClientError } from '$lib/server/log';

// The process's logger lives on a global (log.ts): put one there that writes into an array
// (synchronously: the sink calls back at once).
const logKey = Symbol.for('tidewatch.log');
const budgetKey = Symbol.for('tidewatch.clientErrorBudget');
type Global = Record<symbol, unknown>;
let lines: Record<string, unknown>[] = [];

beforeEach(() => {
	vi.useFakeTimers({ now: 1_000_000 });
	lines = [];
	const sink = new Writable({
		write(chunk, _encoding, done) {
			for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
			done();
		}
	});
	(globalThis as Global)[logKey] = pino({ level: 'info' }, sink);
	delete (globalThis as Global)[budgetKey];
});

afterEach(() => {
	vi.useRealTimers();
	delete (globalThis as Global)[logKey];
	delete (globalThis as Global)[budgetKey];
});

describe('client errors are logged at info, bounded per minute', () => {
	it('writes the first of a minute, counts the rest in one line when the minute ends', () => {
		for (let i = 0; i < 500; i++) logClientError({ status: 415, path: '/shifts' }, 'not a form');
		expect(lines).toHaveLength(clientErrorsPerMinute);
		expect(lines.every((l) => l.level === 30 && l.event === 'client-error' && !l.err)).toBe(true);

		vi.advanceTimersByTime(60_000);
		expect(lines.slice(clientErrorsPerMinute)).toEqual([
			expect.objectContaining({ level: 30, event: 'client-errors-held', count: 500 - 20 })
		]);
	});

	it('opens a new minute after the last one ended', () => {
		for (let i = 0; i < clientErrorsPerMinute + 5; i++) logClientError({ status: 400 }, 'bad');
		vi.setSystemTime(1_000_000 + 60_000);
		logClientError({ status: 400 }, 'again');
		expect(lines.map((l) => l.event)).toEqual([
			...Array(clientErrorsPerMinute).fill('client-error'),
			'client-errors-held',
			'client-error'
		]);
		expect(lines.at(-2)).toMatchObject({ count: 5 });
	});

	it('cuts what the client wrote to a bounded length', () => {
		logClientError({ status: 415, path: '/' + 'x'.repeat(20_000) }, 'y'.repeat(20_000));
		expect(JSON.stringify(lines[0]).length).toBeLessThan(1000);
	});
});
