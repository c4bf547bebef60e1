import { describe, expect, it } from 'vitest';
import { frame, rawExchange, upgradeRequest, utf8 } from '../hostile/kit';
import { serverForSuite } from '../helpers/server';

/* What the server really sends for frames that break the protocol (README's close-code table). */
const server = serverForSuite();

async function closeCodeAfter(bytes: Buffer): Promise<number | undefined> {
	const result = await rawExchange(server, upgradeRequest(server, '/api/events?lastEventId=0'), [
		bytes
	]);
	expect(result.status).toBe(101);
	return result.closeCode;
}

describe('the stream closes on a frame that breaks the protocol', () => {
	it('1002 for an unmasked client frame', async () => {
		expect(await closeCodeAfter(frame(1, utf8('hi'), { masked: false }))).toBe(1002);
	});

	it('1002 for reserved bits or a reserved opcode', async () => {
		expect(await closeCodeAfter(frame(1, utf8('hi'), { rsv: 4 }))).toBe(1002);
		expect(await closeCodeAfter(frame(3, utf8('hi')))).toBe(1002);
	});

	it('1002 for a control frame over 125 bytes or fragmented, and for a bad close frame', async () => {
		expect(await closeCodeAfter(frame(9, Buffer.alloc(126)))).toBe(1002);
		expect(await closeCodeAfter(frame(9, utf8('hi'), { fin: false }))).toBe(1002);
		expect(await closeCodeAfter(frame(8, Buffer.from([0x03, 0xe7])))).toBe(1002);
	});

	it('1007 for a text frame that is not UTF-8', async () => {
		expect(await closeCodeAfter(frame(1, Buffer.from([0xff, 0xfe, 0xc0])))).toBe(1007);
	});

	it('1008 for a well-formed text frame, and for one over 1 KiB', async () => {
		expect(await closeCodeAfter(frame(1, utf8('hello')))).toBe(1008);
		expect(await closeCodeAfter(frame(1, Buffer.alloc(1025, 97)))).toBe(1008);
	});
});
