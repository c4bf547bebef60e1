import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { frameMessages } from '$lib/server/stream/frames';

const { Sender } = ws as unknown as {
	Sender: { frame(data: Buffer, options: object): Buffer[] };
};
/** The frame `ws` itself would send for a text message from the server. */
const wsFrame = (text: string) =>
	Buffer.concat(
		Sender.frame(Buffer.from(text), {
			fin: true,
			rsv1: false,
			opcode: 1,
			mask: false,
			readOnly: false
		})
	);

describe('replay frames', () => {
	it('are byte for byte the frames ws builds, for every length form and for multi-byte text', () => {
		const messages = [
			'{}',
			'x'.repeat(125),
			'x'.repeat(126),
			'水'.repeat(300),
			'y'.repeat(65_535),
			'z'.repeat(65_536),
			'é'.repeat(40_000)
		];
		expect(frameMessages(messages)).toEqual(Buffer.concat(messages.map(wsFrame)));
		expect(frameMessages([])).toEqual(Buffer.alloc(0));
	});
});
