import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream, lastEventId } from '../helpers/stream';

const server = serverForSuite();

describe('crash safety', () => {
	it('after SIGKILL mid-write, every acknowledged change and its event is there, and a resuming client gets every later event once', async () => {
		const admin = new Client(server.url);
		await admin.register('Writer');
		const watcher = await connectStream(server, {
			cookie: admin.cookieHeader,
			lastEventId: await lastEventId(server)
		});

		// Write as fast as possible from 8 clients at once, remembering what was acknowledged.
		const acknowledged: string[] = [];
		let counter = 0;
		let killed = false;
		const write = async () => {
			while (!killed) {
				const name = `w-${counter++}`;
				try {
					const response = await admin.json('/api/auth/account', 'PATCH', { name });
					if (response.ok) acknowledged.push(name);
				} catch {
					return; // the connection died with the server
				}
			}
		};
		const writers = Array.from({ length: 8 }, write);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		killed = true;
		expect(await server.stop('SIGKILL')).toBeNull();
		await Promise.all(writers);
		expect(acknowledged.length).toBeGreaterThan(50);
		const seenBeforeCrash = watcher.eventIds.at(-1) ?? 0;

		await server.restart();
		expect(server.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
		const stored = new Set(
			server
				.query<{ data: string }>("SELECT data FROM event WHERE type = 'user-update'")
				.map((row) => JSON.parse(row.data).name as string)
		);
		const lost = acknowledged.filter((name) => !stored.has(name));
		expect(lost).toEqual([]);
		// The user holds the state of its last event: change and event committed together.
		const [last] = server.query<{ data: string }>(
			"SELECT data FROM event WHERE type = 'user-update' ORDER BY id DESC LIMIT 1"
		);
		const [user] = server.query<{ name: string }>('SELECT name FROM "user" WHERE type = \'admin\'');
		expect(user.name).toBe(JSON.parse(last.data).name);

		// A client resuming from the last id it saw gets every later event, exactly once.
		const head = await lastEventId(server);
		await admin.login(user.name);
		const resumed = await connectStream(server, {
			cookie: admin.cookieHeader,
			lastEventId: seenBeforeCrash
		});
		const until = await lastEventId(server);
		await resumed.waitForEvent(until);
		const ids = resumed.eventIds;
		expect(ids[0]).toBe(seenBeforeCrash + 1);
		expect(ids).toEqual(ids.map((_, i) => seenBeforeCrash + 1 + i));
		expect(ids.at(-1)).toBe(until);
		expect(until).toBeGreaterThanOrEqual(head);
		resumed.close();
	});
});
