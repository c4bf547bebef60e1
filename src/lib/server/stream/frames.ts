import * as ws from 'ws';
import type { WebSocket } from 'ws';
import type { ApiEvent } from '$lib/api';

type FrameOptions = {
	fin: boolean;
	rsv1: boolean;
	opcode: number;
	mask: boolean;
	readOnly: boolean;
};
// `Sender.frame` is public in ws but missing from its type definitions.
const { Sender } = ws as unknown as {
	Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};
const text: FrameOptions = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true };

/**
 * A complete WebSocket text frame, built once and written as is to every socket of a view:
 * server frames are not masked, so the same bytes serve every client.
 */
function frameText(json: string): Buffer {
	return Buffer.concat(Sender.frame(Buffer.from(json), text));
}

/**
 * A ping (opcode 9, no payload) and the application-level heartbeat, which a browser can see
 * where it cannot see pings: the same bytes for every socket, built once, sent in one write.
 */
export const pingAndHeartbeatFrames = Buffer.concat([
	Buffer.from([0x89, 0x00]),
	frameText(JSON.stringify({ type: 'heartbeat' }))
]);

export function frameEvent(id: number, event: ApiEvent): Buffer {
	return frameText(JSON.stringify({ type: 'event', id, event }));
}

/**
 * Writes ready frames straight to the socket under `ws`, one system call for all of them. Safe
 * because the server negotiates no compression, so `ws` queues nothing of its own: every write
 * is whole frames, in order. `bufferedAmount` still counts these bytes (the slow-client limit).
 */
export function writeFrames(
	socket: WebSocket,
	frames: Buffer,
	done?: (error?: Error | null) => void
): void {
	const raw = (
		socket as unknown as {
			_socket?: { write(data: Buffer, cb?: (error?: Error | null) => void): boolean };
		}
	)._socket;
	if (socket.readyState !== socket.OPEN || !raw) {
		done?.(new Error('the stream is closed'));
		return;
	}
	raw.write(frames, done);
}
