import { WebSocket } from 'ws';
import { closeCodes } from '$lib/api';
import type { StreamConnection } from './connection';

/**
 * The stream's socket: `ws`' own, knowing its connection, so that one set of listener
 * functions serves every socket (a closure per socket and event would be a few hundred bytes
 * of every idle stream).
 */
export class StreamSocket extends WebSocket {
	conn: StreamConnection | null = null;

	// ws closes an oversized frame with 1009; the contract answers every bad frame with 1008.
	close(code?: number, reason?: string | Buffer): void {
		if (code === 1009) super.close(closeCodes.policy, 'frame too large');
		else super.close(code, reason);
	}
}

/** The connection of the socket a listener was called on (`ws` calls them with `this`). */
export const connOf = (socket: WebSocket): StreamConnection | null => (socket as StreamSocket).conn;

export function onClientMessage(this: WebSocket): void {
	connOf(this)?.end(closeCodes.policy, 'clients send only pings');
}

export function onPong(this: WebSocket): void {
	const conn = connOf(this);
	if (conn) conn.missedPongs = 0;
}

/** Errors end in a close, which is handled there. */
export function onError(): void {}
