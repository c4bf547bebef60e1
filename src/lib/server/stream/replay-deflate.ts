import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { frameMessages } from './frames';

/*
 * A replay sent compressed (permessage-deflate, RFC 7692; docs/stream.md, "Compression"). A
 * phone back from a day offline catches up with hundreds of events, each carrying its whole
 * entry; compressed as one run, what they repeat (keys, locations, days) costs almost nothing.
 * Only replays: live events are framed once for every stream of a view (fan-out), which
 * compressing per socket would undo, and they come one at a time, when there is little to gain.
 * The compressor lives as long as the replay, so an idle stream holds none.
 */

/** The compressor's window at most: 4 KiB holds the last few events, enough for what repeats. */
const windowBitsMax = 12;
/** Memory for the compressor's hash table: with the window and zlib's state, about 40 KiB. */
const memLevel = 5;

/**
 * From the handshake's answer (ws' `headers` event): the window a replay may compress with, or
 * null when it may not compress. A client that asked the server to forget between messages
 * (`server_no_context_takeover`) gets its replay as it is; one that asked for a smaller window
 * than zlib can keep (below 9 bits) too.
 */
export function replayWindowBits(responseHeaders: readonly string[]): number | null {
	const line = responseHeaders.find((header) => /^sec-websocket-extensions:/i.test(header));
	if (!line || !/permessage-deflate/i.test(line)) return null;
	if (/server_no_context_takeover/i.test(line)) return null;
	const asked = /server_max_window_bits=(\d+)/i.exec(line);
	const bits = Math.min(windowBitsMax, asked ? Number(asked[1]) : windowBitsMax);
	return bits >= 9 ? bits : null;
}

/**
 * One replay's compressor: each message ends with a sync flush, so the client can read it at
 * once, and the next one may refer back into the ones before (context takeover, which a server
 * may use without saying so). Once the replay ends the server sends only uncompressed frames,
 * so the client's window is never asked for again.
 */
export class ReplayDeflate {
	private readonly zlib: DeflateRaw;
	private chunks: Buffer[] = [];
	private failure: Error | null = null;

	constructor(windowBits: number) {
		this.zlib = createDeflateRaw({ windowBits, memLevel });
		this.zlib.on('data', (chunk: Buffer) => this.chunks.push(chunk));
		this.zlib.on('error', (error) => (this.failure = error));
	}

	/** The messages as compressed text frames (RSV1 set), one after the other in one buffer. */
	async frames(messages: readonly string[]): Promise<Buffer> {
		const payloads: Buffer[] = [];
		for (const message of messages) payloads.push(await this.compress(message));
		return frameMessages(payloads, true);
	}

	private compress(message: string): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			this.zlib.write(message);
			this.zlib.flush(constants.Z_SYNC_FLUSH, (error?: Error | null) => {
				if (error || this.failure) return reject(error ?? this.failure);
				const data = Buffer.concat(this.chunks);
				this.chunks = [];
				// The flush ends with an empty block, 00 00 ff ff, which the message leaves off.
				resolve(data.subarray(0, data.length - 4));
			});
		});
	}

	close(): void {
		this.zlib.close();
	}
}
