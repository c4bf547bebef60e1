import type { WebSocket } from 'ws';
import { closeCodes, type AccessLevel, type SessionEndReason, type StreamMessage } from '$lib/api';
import type { Viewer } from './projection';
import { log } from '../log';
import { writeFrames } from './frames';

/** What every stream of the process shares, held once rather than by each stream. */
export interface StreamHost {
	/** What a socket may have waiting unsent before its reader counts as fallen behind. */
	readonly maxBufferBytes: number;
	/** Forgets a stream whose socket has closed. */
	forget(conn: StreamConnection): void;
}

/**
 * One open stream: its socket, who it shows events to, and how far it has got. It is its own
 * viewer, and keeps of its session only the ids it is found by, as plain fields: every object
 * and string a stream holds is paid for by every idle stream.
 */
export class StreamConnection implements Viewer {
	/** The id of the last event replayed or delivered (or skipped as invisible during replay). */
	cursor: number;
	/** While the backlog is being read, live events are left to the replay, which reads them too. */
	replaying = true;
	/** Its `connected` message went out: nothing else may go before it. */
	connected = false;
	missedPongs = 0;
	closed = false;
	/** Where its session's deadline waits (see Deadlines); 0 for none. */
	deadlineTick = 0;

	// Not readonly: the registry swaps each id for an equal string it already holds.
	constructor(
		readonly ws: WebSocket,
		private readonly host: StreamHost,
		readonly level: AccessLevel,
		public userId: string | null,
		/** Its session's id and family, null without a session. */
		public sessionId: string | null,
		public family: string | null,
		/** The client address it was opened from, for the cap on streams per address. */
		public address: string,
		cursor: number
	) {
		this.cursor = cursor;
	}

	get viewer(): Viewer {
		return this;
	}

	sendMessage(message: StreamMessage): void {
		this.ws.send(JSON.stringify(message), { compress: false });
	}

	/**
	 * Live events up to `lastId`, already projected and framed for this connection's view and
	 * joined: one write, still one message per event. Empty when none of them is for this view;
	 * the cursor moves past them all the same.
	 */
	deliver(lastId: number, frames: Buffer): void {
		if (this.closed || this.replaying || lastId <= this.cursor) return;
		// A client that does not read would make the server hold everything for it.
		if (this.ws.bufferedAmount > this.host.maxBufferBytes) {
			this.end(closeCodes.tooSlow, 'too-slow');
			return;
		}
		this.cursor = lastId;
		if (frames.length > 0) writeFrames(this.ws, frames);
	}

	endSession(reason: SessionEndReason): void {
		log().debug(
			{ event: 'stream-session-ended', reason, userId: this.userId },
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

	/** Its socket has closed (whoever closed it). */
	socketClosed(): void {
		this.closed = true;
		this.host.forget(this);
	}
}
