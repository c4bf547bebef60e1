import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { reportIfItDies, startServer, type TestServer } from '../helpers/server';
import {
	connectStream,
	kernelQueues,
	lastEventId,
	openStream,
	range,
	renameMany
} from '../helpers/stream';
import { sleep, until } from '../helpers/wait';

/**
 * Replay and live delivery only ever race while the socket's buffers are full: until then a
 * replay page reaches the kernel at once and the next page follows in the same tick. These
 * tests fill them with a client that stops reading, on one server and one log of big events
 * (3-byte characters in 64-character names) that the second test reuses as its backlog.
 */
describe('a long log and clients that stop reading', () => {
	// Above one replay page of these events (660 KB), so a live event wrongly sent during a
	// replay shows as a gap or a duplicate rather than as a too-slow close.
	const maxBufferBytes = 1024 * 1024;
	let long: TestServer;
	let writer: Client;
	let written = 0;
	const pad = '水'.repeat(50);
	/** Renames the only user, so every event in this log is one its admin may see. */
	const write = (count: number, label = '', options: Parameters<typeof renameMany>[2] = {}) => {
		const from = written;
		written += count;
		const name = (i: number) => `${pad}${label}${from + i}`;
		return renameMany(writer, count, { parallel: 16, name, ...options });
	};
	beforeAll(async () => {
		long = await startServer({
			STREAM_MAX_BUFFER_BYTES: String(maxBufferBytes),
			STREAM_HEARTBEAT_SECONDS: '600',
			// Its backlog is sized to the kernel's buffers, which may pass the default.
			STREAM_REPLAY_MAX_EVENTS: '1000000'
		});
		writer = new Client(long.url);
		expect((await writer.register('Writer')).status).toBe(201);
	});
	afterAll(() => long.close());
	reportIfItDies(() => long);

	// These fill the kernel's buffers through the app's API, a few hundred events a second on a
	// loaded machine: the loops below wait for the buffers to fill, and these bounds only keep a
	// broken server from hanging the suite.
	const slowly = { timeout: 300_000 };

	it(
		'a client that stops reading is closed with 4008, and catches up from its last id',
		slowly,
		async () => {
			// `resumed` reads again soon after the server gave up on it; `stalled` never does.
			const [resumed, stalled] = await Promise.all([
				connectStream(long, { lastEventId: 0, cookie: writer.cookieHeader }),
				connectStream(long, { lastEventId: 0, cookie: writer.cookieHeader })
			]);
			await write(1);
			const first = await lastEventId(long);
			await Promise.all([resumed.waitForEvent(first), stalled.waitForEvent(first)]);
			const eventBytes = resumed.frameBytes.at(-1)!;
			resumed.ws.pause();
			stalled.ws.pause();

			// First the kernel's buffers fill: what it holds of the connection stops growing while
			// events are written. From then on every event stays in the server's own send buffer,
			// which passes its limit after `overLimit` more events and gets the socket closed with
			// 4008; the close frame waits behind everything the client has not read, and the server
			// cuts the socket a second later. So: write on, and let the client read again a little
			// after that (these events only grow longer than the one measured, so the limit is
			// passed by `overLimit` at the latest).
			const overLimit = Math.ceil(maxBufferBytes / eventBytes);
			let stop = false;
			let done = 0;
			const writing = write(40_000, '', { until: () => stop, onWritten: () => done++ });
			const started = Date.now();
			let held = -1;
			let doneAtChange = 0;
			let fullAt: number | null = null;
			let dropped = false;
			while (Date.now() - started < 240_000) {
				await sleep(20);
				const queues = await kernelQueues(long, resumed);
				if (queues.server === null) {
					dropped = true;
					break;
				}
				const now = queues.server + queues.client;
				if (now !== held) {
					held = now;
					doneAtChange = done;
				} else if (fullAt === null && now > 0 && done - doneAtChange >= 64) {
					// 64 events (21 KB) and not a byte more in the kernel: more than the client's
					// own read buffer (16 KB) can have taken in the meantime.
					fullAt = doneAtChange;
				}
				if (fullAt !== null && done - fullAt >= overLimit + 50) break;
			}
			stop = true;
			resumed.ws.resume();
			await writing;
			expect(dropped, 'the server cut the socket before the client read again').toBe(false);
			expect(
				fullAt,
				`the kernel kept taking events for a client reading nothing (${done})`
			).not.toBeNull();

			expect((await resumed.waitForClose()).code).toBe(4008);
			const got = resumed.eventIds;
			expect(got).toEqual(range(1, got.length));

			// A client that never reads again is cut off, and its close frame is lost with it: it
			// sees an abnormal close (1006) once it reads.
			await until(
				async () => (await kernelQueues(long, stalled)).server === null,
				'the server to let go of the stalled client'
			);
			stalled.ws.resume();
			const { code } = await stalled.waitForClose();
			expect([1006, 4008]).toContain(code);
			expect(stalled.eventIds).toEqual(range(1, stalled.eventIds.length));

			// Nothing is lost: both catch up from the last event they received.
			await write(20);
			const head = await lastEventId(long);
			for (const stream of [resumed, stalled]) {
				const last = stream.eventIds.at(-1)!;
				expect(last).toBeLessThanOrEqual(head - 20);
				const again = await connectStream(long, { lastEventId: last, cookie: writer.cookieHeader });
				await again.waitForEvent(head, 20_000);
				await again.flush();
				expect(again.eventIds).toEqual(range(last + 1, head));
				again.close();
			}
		}
	);

	it(
		'replays the backlog, then goes live, with no gap and no duplicate while events are written',
		slowly,
		async () => {
			// More than the kernel can hold for one socket (at most tcp_wmem's maximum at the server's
			// end plus the client's receive buffer), plus 2000 events.
			const sysctl = (name: string) =>
				readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/).map(Number);
			const [, , wmemMax] = sysctl('tcp_wmem');
			const [, rmemDefault] = sysctl('tcp_rmem');
			const eventBytes = 320; // about what one of these events takes on the wire
			const wanted = Math.ceil((wmemMax + rmemDefault) / eventBytes) + 2000;
			const have = await lastEventId(long);
			if (have < wanted) await write(wanted - have);
			const backlog = await lastEventId(long);

			const stream = openStream(long, { lastEventId: 0, cookie: writer.cookieHeader });
			// A client on a slow line: while it reads nothing the buffers fill and the replay waits
			// between steps, so the events written now are committed in the middle of the replay.
			stream.ws.once('open', () => stream.ws.pause());
			await Promise.all([write(200, 'during'), stream.opened]);
			const held = await kernelQueues(long, stream);
			stream.ws.resume();
			const replayed = await lastEventId(long);
			await stream.waitForEvent(replayed, 30_000);
			await stream.flush();
			// Written once the replay is done and read, so they come live (and not behind a replay
			// page still in the send buffer, which could pass its limit).
			await write(200, 'after');
			const head = await lastEventId(long);
			await stream.waitForEvent(head, 20_000);
			await stream.flush();

			const [connected, ...rest] = stream.messages;
			expect(connected).toMatchObject({ type: 'connected' });
			const connectedAt = (connected as { lastEventId: number }).lastEventId;
			expect(connectedAt).toBeGreaterThanOrEqual(backlog);
			expect(connectedAt).toBeLessThanOrEqual(replayed);
			// Events only, and once the `live` that ends the replay: every event before it is at or
			// below its id, every one after above.
			const live = rest.findIndex((m) => m.type === 'live');
			const liveAt = (rest[live] as { lastEventId: number }).lastEventId;
			expect(liveAt).toBeGreaterThanOrEqual(replayed);
			expect(rest.filter((m) => m.type !== 'event')).toHaveLength(1);
			expect(rest.slice(0, live).every((m) => m.type === 'event' && m.id <= liveAt)).toBe(true);
			expect(rest.slice(live + 1).every((m) => m.type === 'event' && m.id > liveAt)).toBe(true);
			// Every event of this log, exactly 1..head, each once, in order.
			expect(stream.eventIds).toEqual(range(1, head));
			expect(stream.events.at(-1)!.event).toMatchObject({
				type: 'user-update',
				data: { name: expect.stringMatching(/after\d+$/) }
			});
			expect(stream.isOpen).toBe(true);
			stream.close();

			// The test did what it says: the kernel held less than the backlog, so the replay was
			// waiting for the socket before its last step.
			const bytesOfBacklog = stream.frameBytes.slice(0, 1 + backlog).reduce((a, b) => a + b, 0);
			expect(held.server).not.toBeNull();
			expect(held.server! + held.client).toBeLessThan(bytesOfBacklog);
		}
	);
});
