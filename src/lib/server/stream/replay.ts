import { performance } from 'node:perf_hooks';
import { closeCodes } from '$lib/api';
import type { Storage } from '../storage';
import { projectEvent } from './projection';
import { withViewerMark } from '../interests/interests';
import type { StoredEvent } from '../events/stored-event';
import { log } from '../log';
import type { StreamConnection } from './connection';
import { eventMessage, frameMessages, writeFrames } from './frames';
import { ReplayDeflate } from './replay-deflate';
import { sliceMs } from './slices';

/** What replay needs of a connection (a test stands in for one with exactly this). */
type ReplayTarget = Pick<StreamConnection, 'viewer' | 'cursor' | 'replaying' | 'closed'> & {
	readonly ws: Parameters<typeof writeFrames>[0] & { replayWindowBits?: number | null };
	end(code: number, reason: string): void;
};

export interface ReplayOptions {
	/** How long the replays may run in one loop turn, all of them together. */
	sliceMs?: number;
	/** One step of one replay: at most this many events… */
	stepEvents?: number;
	/** …and no more once their stored data reached this many bytes. */
	stepBytes?: number;
	/** A replay reads on only while its socket holds less than this unsent. */
	unsentBytes?: number;
	/** A step whose messages reach this many bytes is sent compressed, where agreed. */
	compressFromBytes?: number;
	/** Replays compressing at once at most. */
	compressorsMax?: number;
}

/**
 * A step of 64 KiB is about 250 events as they are stored: a millisecond or two to read,
 * project and frame, so a loop turn gives each of many replays a step before it yields.
 */
const defaults = {
	stepEvents: 1000,
	stepBytes: 64 * 1024,
	unsentBytes: 256 * 1024,
	compressFromBytes: 8 * 1024,
	// 10 MiB of zlib state at most, whatever the crowd.
	compressorsMax: 256
};

/** Compressors alive in the process: each holds about 40 KiB while its replay runs. */
interface Compressors {
	alive: number;
	readonly max: number;
}

class Replay {
	/** Waiting for its socket to take what it was sent. */
	waiting = false;
	/** Its compressor, made when a step is first worth compressing; closed when it ends. */
	private deflate: ReplayDeflate | null = null;
	constructor(
		readonly conn: ReplayTarget,
		private readonly compressors: Compressors
	) {}

	/**
	 * A step's messages compressed, when the client agreed to it, the step is worth it (a few
	 * events gain little, and each costs a turn of zlib's), and the process holds fewer
	 * compressors than its bound (a crowd catching up at once: the rest go as they are, and may
	 * compress a later step); else null, and they are framed as they are.
	 */
	compressed(messages: string[], compressFromBytes: number): Promise<Buffer> | null {
		const bits = this.conn.ws.replayWindowBits;
		const size = messages.reduce((sum, message) => sum + message.length, 0);
		if (bits == null || size < compressFromBytes) return null;
		if (!this.deflate) {
			if (this.compressors.alive >= this.compressors.max) return null;
			this.deflate = new ReplayDeflate(bits);
			this.compressors.alive++;
		}
		return this.deflate.frames(messages);
	}

	end(): false {
		if (this.deflate) {
			this.deflate.close();
			this.deflate = null;
			this.compressors.alive--;
		}
		return false;
	}
}

/**
 * Every running replay of the process, in turns. A connection's replay sends every event after
 * its cursor, a step at a time. The connection is subscribed before its replay starts and
 * fan-out leaves it alone until the switch to live delivery. The read of a page is awaited, and
 * events may be committed and heard meanwhile; so the replay has caught up only when its page
 * was the end of the log *and* its cursor reached the last event fan-out has heard (`heard`),
 * and it switches to live in the same synchronous step as that check: every event heard later
 * goes out through fan-out, every one before was read from the log. Nothing is missed or sent
 * twice (docs/stream.md, "Replay").
 *
 * The replays share one budget per loop turn, `sliceMs`, like fan-out's slices: they take steps
 * round-robin until it is spent, then yield (setImmediate), so no backlog and no number of
 * replays makes a long loop turn. A replay whose socket holds `unsentBytes` not yet taken by
 * the kernel reads nothing more until a write of its completes: its memory stays bounded
 * whatever its reader's speed.
 */
export class Replays {
	private readonly ready: Replay[] = [];
	private scheduled = false;
	/** Steps whose frames zlib is compressing. */
	private compressing = 0;
	private readonly compressors: Compressors;
	private readonly options: Required<ReplayOptions>;

	constructor(
		private readonly storage: () => Storage,
		/** The id of the last event live delivery has heard. */
		private readonly heard: () => number,
		options: ReplayOptions = {}
	) {
		this.options = { sliceMs, ...defaults, ...options };
		this.compressors = { alive: 0, max: this.options.compressorsMax };
	}

	/** Nothing to do until a replay starts or a socket takes what it was sent. */
	get idle(): boolean {
		return !this.scheduled && this.compressing === 0;
	}

	/** Starts the connection's replay; it is already subscribed to live events. */
	start(conn: ReplayTarget): void {
		this.queue(new Replay(conn, this.compressors));
	}

	private queue(replay: Replay): void {
		this.ready.push(replay);
		if (this.scheduled) return;
		this.scheduled = true;
		// Never in the caller's turn: a write completes at once when the kernel takes it all,
		// and a replay continued from there would be one long turn again.
		setImmediate(() => void this.turn());
	}

	private readonly turn = async (): Promise<void> => {
		const until = performance.now() + this.options.sliceMs;
		// A replay that runs on goes to the back of the queue: each gets its step in turn. At
		// least one step a turn, however small the budget.
		let i = 0;
		do {
			const replay = this.ready[i++];
			try {
				if (await this.step(replay)) this.ready.push(replay);
			} catch (error) {
				this.failed(replay, error);
			}
		} while (i < this.ready.length && performance.now() < until);
		this.ready.splice(0, i);
		if (this.ready.length > 0) setImmediate(() => void this.turn());
		else this.scheduled = false;
	};

	private failed(replay: Replay, error: unknown): void {
		log().error({ event: 'stream-replay-failed', err: error }, 'stream replay failed');
		replay.end();
		replay.conn.end(closeCodes.internalError, 'replay failed');
	}

	/** One step of a replay; true when it may take another at once. */
	private async step(replay: Replay): Promise<boolean> {
		const { conn } = replay;
		if (conn.closed) return replay.end();
		const { stepEvents, stepBytes } = this.options;
		const storage = this.storage();
		const page = await storage.log.pageAfter(conn.cursor, stepEvents, stepBytes);
		// Who marked an entry is read when it is delivered (see the `marks-shown` event).
		const events = page.events.some((event) => event.type === 'marks-shown')
			? await storage.read(async (records) => {
					const events: StoredEvent[] = [];
					for (const event of page.events) {
						events.push(await withViewerMark(records, event, conn.viewer));
					}
					return events;
				})
			: page.events;
		if (conn.closed) return replay.end();
		const messages: string[] = [];
		for (const event of events) {
			conn.cursor = event.id;
			const visible = projectEvent(event, conn.viewer);
			if (visible) messages.push(eventMessage(event.id, visible));
		}
		const compressed =
			messages.length > 0 ? replay.compressed(messages, this.options.compressFromBytes) : null;
		if (!compressed) return this.send(replay, page.complete, messages);
		// Compressing takes turns of zlib's: the other replays step meanwhile, and this one goes
		// on once its frames are ready (the check that it caught up comes after that).
		this.compressing++;
		compressed
			.then((frames) => {
				if (this.send(replay, page.complete, frames)) this.queue(replay);
			})
			.catch((error: unknown) => this.failed(replay, error))
			.finally(() => this.compressing--);
		return false;
	}

	/**
	 * Sends a step (its messages, or its compressed frames); true when the replay may take
	 * another step at once. Caught up (its page ended the log, and its cursor reached what
	 * fan-out heard), it switches to live in the same synchronous step as that check.
	 */
	private send(replay: Replay, complete: boolean, step: string[] | Buffer): boolean {
		const { conn } = replay;
		if (conn.closed) return replay.end();
		if (complete && conn.cursor >= this.heard()) {
			conn.replaying = false;
			replay.end();
			const live = JSON.stringify({ type: 'live', lastEventId: conn.cursor });
			// Uncompressed, the step and `live` are framed in one buffer (one copy of each).
			writeFrames(
				conn.ws,
				Array.isArray(step)
					? frameMessages([...step, live])
					: Buffer.concat([step, frameMessages([live])])
			);
			return false;
		}
		// A step of events this viewer does not see adds nothing to wait for.
		if (step.length === 0) return true;
		const framed = Array.isArray(step) ? frameMessages(step) : step;
		writeFrames(conn.ws, framed, (error) => {
			if (!replay.waiting) return;
			replay.waiting = false;
			// A replay that waited is in no step: its compressor can go now.
			if (error) replay.end();
			else this.queue(replay);
		});
		if (conn.ws.bufferedAmount < this.options.unsentBytes) return true;
		// This write's callback comes once the kernel took it, and everything before it.
		replay.waiting = true;
		return false;
	}
}
