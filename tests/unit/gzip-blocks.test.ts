import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Combine, deflateBlock, gzipMember } from '$lib/server/pages/gzip-blocks';

// Bytes that compress (repeats, as HTML has) or do not (random).
const bytes = fc.oneof(
	fc.uint8Array({ maxLength: 5000 }),
	fc
		.tuple(fc.string({ maxLength: 40 }), fc.nat(400))
		.map(([text, times]) => Buffer.from(text.repeat(times)))
);

describe('a gzip answer of blocks compressed on their own', () => {
	it('unpacks to the blocks in order, its CRC and length checked (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(bytes, fc.constantFrom(1, 6, 9)), { maxLength: 8 }),
				(parts) => {
					const member = gzipMember(parts.map(([part, level]) => deflateBlock(part, level)));
					// gunzip refuses a member whose trailer does not match what it unpacked.
					expect(gunzipSync(member)).toEqual(Buffer.concat(parts.map(([part]) => part)));
				}
			),
			{ numRuns: 300 }
		);
	});

	it('combines CRCs as one pass over the bytes would give', () => {
		fc.assert(
			fc.property(bytes, bytes, (a, b) => {
				const whole = gzipSync(Buffer.concat([a, b]));
				const crc = whole.readUInt32LE(whole.length - 8);
				expect(crc32Combine(deflateBlock(a, 1).crc, deflateBlock(b, 1).crc, b.length)).toBe(crc);
			}),
			{ numRuns: 300 }
		);
	});
});
