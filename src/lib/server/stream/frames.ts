import type { WebSocket } from 'ws';
import type { ApiEvent } from '$lib/api';

/**
 * A ping (opcode 9, no payload) and the application-level heartbeat, which a browser can see
 * where it cannot see pings: the same bytes for every socket, built once, sent in one write.
 */
export const pingAndHeartbeatFrames = Buffer.concat([
	Buffer.from([0x89, 0x00]),
	frameMessages([JSON.stringify({ type: 'heartbeat' })])
]);

export function eventMessage(id: number, event: ApiEvent): string {
	return JSON.stringify({ type: 'event', id, event });
}

/**
 * Messages as complete, unmasked text frames (RFC 6455 §5.2), one after the other in one
 * buffer: one allocation and one copy of each message, where framing each on its own and
 * joining them costs three. What a replay page is made of. `compressed`: the payloads are
 * permessage-deflate's (RSV1 set; replay-deflate.ts).
 */
export function frameMessages(messages: readonly (string | Buffer)[], compressed = false): Buffer {
	const lengths = messages.map((m) => Buffer.byteLength(m));
	let total = 0;
	for (const n of lengths) total += n + (n < 126 ? 2 : n < 65536 ? 4 : 10);
	const out = Buffer.allocUnsafe(total);
	let at = 0;
	for (const [i, n] of lengths.entries()) {
		out[at++] = compressed ? 0xc1 : 0x81; // FIN, (RSV1,) text
		if (n < 126) out[at++] = n;
		else if (n < 65536) {
			out[at++] = 126;
			out.writeUInt16BE(n, at);
			at += 2;
		} else {
			out[at++] = 127;
			out.writeBigUInt64BE(BigInt(n), at);
			at += 8;
		}
		const message = messages[i];
		at += typeof message === 'string' ? out.write(message, at, n, 'utf8') : message.copy(out, at);
	}
	return out;
}

/**
 * Writes ready frames straight to the socket under `ws`, one system call for all of them. Safe
 * because `ws` itself never compresses (replays compress their own frames, and every `send`
 * says `compress: false`), so it queues nothing of its own: every write is whole frames, in
 * order. `bufferedAmount` still counts these bytes (the slow-client limit).
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
