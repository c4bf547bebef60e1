import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, renameMany, type TestStream } from '../helpers/stream';

/*
 * Live fan-out writes the events of one loop turn to a socket together (docs/performance.md).
 * What a client sees must not change: every event its own message, in id order, none missing,
 * none twice, also for a stream that opens and replays while a burst is on its way out.
 */

let server: TestServer;
let admin: Client;
const streams: TestStream[] = [];
beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.url);
	expect((await admin.register('Organiser')).status).toBe(201);
});
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});
afterAll(() => server?.close());

const head = () =>
	server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event')[0].id ?? 0;
const allIds = (after: number) =>
	server
		.query<{ id: number }>('SELECT id FROM event WHERE id > ? ORDER BY id', after)
		.map((r) => r.id);
const isStrictlyIncreasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]);

async function open(lastEventId: number) {
	const stream = await connectStream(server, { lastEventId, cookie: admin.cookieHeader });
	streams.push(stream);
	return stream;
}

it('events committed in one loop turn arrive in id order, each as its own message', async () => {
	// Deleting a user who marked entries is one change with many events: one interested count
	// per entry, then the delete, all committed together and announced in one loop turn.
	const marker = new Client(server.url);
	expect((await marker.register('Marker')).status).toBe(201);
	const markerId = (await (await marker.fetch('/api/auth/account')).json()).id;
	const entries = 12;
	for (let i = 0; i < entries; i++) {
		const created = await admin.json('/api/entries', 'POST', {
			title: `Talk ${i}`,
			start: Date.UTC(2031, 6, 3, 10 + i),
			end: Date.UTC(2031, 6, 3, 11 + i),
			visibility: 'public'
		});
		expect(created.status).toBe(201);
		const { id } = await created.json();
		expect(
			(await marker.fetch(`/api/auth/account/interests/${id}`, { method: 'PUT' })).status
		).toBe(200);
	}
	const from = head();
	const stream = await open(from);

	expect((await admin.fetch(`/api/users/${markerId}`, { method: 'DELETE' })).status).toBe(204);
	// The marker's own events (its logins ended) are not the admin's to see.
	const written = server
		.query<{ id: number }>(
			"SELECT id FROM event WHERE id > ? AND type IN ('entry-interest-count', 'user-delete') ORDER BY id",
			from
		)
		.map((r) => r.id);
	expect(written.length).toBe(entries + 1);
	await stream.waitForEvent(written.at(-1)!);
	await stream.flush();

	expect(stream.eventIds).toEqual(written);
	const events = stream.events;
	expect(events.slice(0, -1).every((m) => m.event.type === 'entry-interest-count')).toBe(true);
	expect(events.at(-1)!.event).toEqual({ type: 'user-delete', data: { id: markerId } });
	// One WebSocket frame per event: the messages' sizes on the wire add up to nothing else.
	const frames = stream.frameBytes.slice(-events.length);
	expect(frames).toHaveLength(events.length);
	for (const [i, message] of events.entries()) {
		const payload = Buffer.byteLength(JSON.stringify(message));
		expect(frames[i]).toBe(payload + (payload < 126 ? 2 : 4));
	}
});

it('streams opened from old cursors during a burst get every event once, in order', async () => {
	const writer = new Client(server.url);
	expect((await writer.register('Writer')).status).toBe(201);
	const from = head();
	const watcher = await open(from);
	const late: { stream: Promise<TestStream>; from: number }[] = [];
	const count = 400;
	let written = 0;
	// Many renames in flight at once: passes of several events each, while new streams open
	// from cursors behind the head and switch from replay to live in the middle of it.
	const burst = renameMany(writer, count, {
		parallel: 16,
		name: (i) => `writer-${i}`,
		onWritten: () => {
			written++;
			if (written % 40 === 0) {
				const cursor = Math.max(from, head() - 25);
				late.push({ stream: open(cursor), from: cursor });
			}
		}
	});
	expect(await burst).toBe(count);
	const last = head();
	const all = [watcher, ...(await Promise.all(late.map((l) => l.stream)))];
	const froms = [from, ...late.map((l) => l.from)];
	expect(all.length).toBeGreaterThan(5);
	for (const [i, stream] of all.entries()) {
		await stream.waitForEvent(last);
		await stream.flush();
		expect(stream.isOpen).toBe(true);
		const ids = stream.eventIds;
		expect(isStrictlyIncreasing(ids)).toBe(true);
		expect(ids).toEqual(allIds(froms[i]));
	}
});
