import type { WebSocket } from 'ws';
import { closeCodes, type SessionEndReason, type StreamMessage } from '$lib/api';
import type { Viewer } from '../events/projection';
import type { ServerSession } from '../types';
import { log } from '../log';
import { writeFrames } from './frames';

/** What a stream keeps of its session: what the registry indexes it by. */
export type StreamSession = Pick<ServerSession, 'id' | 'userId' | 'family'>;

/** One open stream: its socket, who it shows events to, and how far it has got. */
export class StreamConnection {
	/** The id of the last event replayed or delivered (or skipped as invisible during replay). */
	cursor: number;
	/** While the backlog is being read, live events are left to the replay, which reads them too. */
	replaying = true;
	missedPongs = 0;
	closed = false;
	/** Where its session's deadline waits (see Deadlines); 0 for none. */
	deadlineTick = 0;

	constructor(
		readonly ws: WebSocket,
		readonly viewer: Viewer,
		/** Only what the registry indexes it by: the session itself is not kept for its life. */
		readonly session: StreamSession | null,
		/** The client address it was opened from, for the cap on streams per address. */
		readonly address: string,
		cursor: number,
		private readonly maxBufferBytes: number
	) {
		this.cursor = cursor;
	}

	sendMessage(message: StreamMessage): void {
		this.ws.send(JSON.stringify(message));
	}

	/**
	 * Live events up to `lastId`, already projected and framed for this connection's view and
	 * joined: one write, still one message per event. Empty when none of them is for this view;
	 * the cursor moves past them all the same.
	 */
	deliver(lastId: number, frames: Buffer): void {
		if (this.closed || this.replaying || lastId <= this.cursor) return;
		// A client that does not read would make the server hold everything for it.
		if (this.ws.bufferedAmount > this.maxBufferBytes) {
			this.end(closeCodes.tooSlow, 'too-slow');
			return;
		}
		this.cursor = lastId;
		if (frames.length > 0) writeFrames(this.ws, frames);
	}

	endSession(reason: SessionEndReason): void {
		log().debug(
			{ event: 'stream-session-ended', reason, userId: this.session?.userId ?? null },
			`stream closed: session ${reason}`
		);
		this.end(closeCodes.sessionEnded, reason);
	}

	end(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.ws.close(code, reason);
		// A peer that never answers the close is cut off. A slow reader gets longer: its 4008
		// waits behind all it has not read yet. Nothing more is sent to either meanwhile.
		const grace = code === closeCodes.tooSlow ? 5_000 : 1_000;
		setTimeout(() => this.ws.terminate(), grace).unref();
	}
}
