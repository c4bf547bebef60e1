import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { logEntries, serverForSuite } from '../helpers/server';

// A client's mistake is no server error: a form post without a form body (415), a body that is
// not JSON (400), a change from another origin (403) are logged at info without a stack, and
// however many come, at most a bounded number of lines a minute. A real server error keeps its
// error-level line with the stack.

const server = serverForSuite({ LOG_LEVEL: 'info' });
const perMinute = 20;

describe('client errors in the log', () => {
	it('500 of them write a bounded number of info lines, none at error level or with a stack', async () => {
		const user = new Client(server.url);
		expect((await user.register('Admin')).status).toBe(201);
		const mistakes: (() => Promise<Response>)[] = [
			() => user.fetch('/shifts?/signup', { method: 'POST' }),
			() =>
				user.fetch('/account?/rename', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '{}'
				}),
			() =>
				user.fetch('/api/settings', {
					method: 'PATCH',
					headers: { 'content-type': 'application/json' },
					body: '{'
				}),
			() =>
				user.fetch('/api/auth/account/calendar', {
					method: 'POST',
					headers: { origin: `http://127.0.0.1:${server.port + 1}` }
				})
		];
		const statuses = [415, 415, 400, 403];
		const from = server.output().length;
		const started = Date.now();
		const queue = Array.from({ length: 500 }, (_, i) => i);
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
					const response = await mistakes[i % mistakes.length]();
					await response.arrayBuffer();
					expect(response.status).toBe(statuses[i % mistakes.length]);
				}
			})
		);
		// Each minute the requests touched may hold its own lines, and a count of the rest.
		const minutes = Math.floor((Date.now() - started) / 60_000) + 2;
		// The 415s, which were error-level lines with a stack, are now among the info lines.
		await expect
			.poll(() => logEntries(server, from).filter((e) => e.status === 415).length)
			.toBeGreaterThan(0);
		const lines = logEntries(server, from);
		expect(lines.filter((e) => (e.level as number) >= 50)).toEqual([]);
		expect(server.output().slice(from)).not.toContain('"stack"');
		expect(lines.every((e) => e.level === 30)).toBe(true);
		expect(lines.length).toBeLessThanOrEqual(minutes * (perMinute + 1));
		expect(lines.filter((e) => e.event === 'client-error').length).toBeLessThanOrEqual(
			minutes * perMinute
		);
	}, 120_000);

	it('a real server error is still logged at error level, with its stack', async () => {
		const user = new Client(server.url);
		expect((await user.register('Broken')).status).toBe(201);
		server.write('DROP TABLE calendar_feed');
		const from = server.output().length;
		const response = await user.fetch('/api/auth/account/calendar', { method: 'POST' });
		expect(response.status).toBe(500);
		await expect
			.poll(() => logEntries(server, from).find((e) => e.level === 50))
			.toMatchObject({
				event: 'error',
				status: 500,
				path: '/api/auth/account/calendar',
				err: { stack: expect.stringContaining('calendar_feed') }
			});
	});
});
