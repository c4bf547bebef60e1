import { WebSocket } from 'ws';
import { closeCodes } from '$lib/api';
import type { StreamConnection } from './connection';

/** As ws' own automatic pong: a client may have this many pongs unsent before it is cut off. */
const maxPendingPongs = 60;

/**
 * The stream's socket: `ws`' own, knowing its connection, and handling its own events. `ws`
 * tells a socket's events by calling its `emit`; answering them here instead of through
 * listeners spares every idle stream a listener table and its entries (a few hundred bytes).
 * It answers pings itself too (the server turns ws' `autoPong` off), as ws would but without
 * the closure ws keeps for that in every socket.
 */
export class StreamSocket extends WebSocket {
	conn: StreamConnection | null = null;
	/** The window its replay may compress with, as the handshake agreed; null: uncompressed. */
	replayWindowBits: number | null = null;
	private pendingPongs = 0;

	// Passed on untyped: ws' server calls `new WebSocket(null, undefined, options)`, which none
	// of the typed overloads describes.
	constructor(...args: unknown[]) {
		super(...(args as ConstructorParameters<typeof WebSocket>));
		// EventEmitter gives every emitter an empty listener table (about 180 bytes), and makes
		// one itself should a listener ever be added; this socket never has one (see emit).
		(this as { _events?: object })._events = undefined;
	}

	// ws closes an oversized frame with 1009; the contract answers every bad frame with 1008.
	close(code?: number, reason?: string | Buffer): void {
		if (code === 1009) super.close(closeCodes.policy, 'frame too large');
		else super.close(code, reason);
	}

	emit(event: string | symbol, ...args: unknown[]): boolean {
		const conn = this.conn;
		switch (event) {
			case 'message':
				conn?.end(closeCodes.policy, 'clients send only pings');
				break;
			case 'ping':
				this.answerPing(args[0] as Buffer);
				break;
			case 'pong':
				if (conn) conn.missedPongs = 0;
				break;
			case 'close':
				conn?.socketClosed();
				break;
			case 'error':
				// Errors end in a close, which is handled there; unheard, an 'error' would throw.
				if (this.listenerCount('error') === 0) return true;
		}
		return super.emit(event, ...args);
	}

	private answerPing(data: Buffer): void {
		if (this.readyState !== WebSocket.OPEN) return;
		// A client that pings and never reads the pongs would make the server hold them all.
		if (this.pendingPongs >= maxPendingPongs) return this.terminate();
		this.pendingPongs++;
		this.pong(data, false, () => this.pendingPongs--);
	}
}
