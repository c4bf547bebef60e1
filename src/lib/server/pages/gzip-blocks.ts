import { constants, crc32, deflateRawSync } from 'node:zlib';

/*
 * A gzip answer put together from blocks compressed on their own: a page compressed once, of
 * which each request compresses again only the stretches it changes. Each block is a deflate
 * stream of its own (no back-reference reaches before it) flushed to a byte boundary and not
 * final, so blocks follow one another as one stream; an empty final block ends it. The gzip
 * trailer's CRC-32 of the whole is combined from the blocks' own.
 */

export interface DeflatedBlock {
	deflated: Buffer;
	/** The CRC-32 and length of the block's uncompressed bytes. */
	crc: number;
	length: number;
}

export function deflateBlock(bytes: Uint8Array, level: number): DeflatedBlock {
	return {
		deflated: deflateRawSync(bytes, { level, finishFlush: constants.Z_SYNC_FLUSH }),
		crc: crc32(bytes),
		length: bytes.length
	};
}

// gzip's header (no name, no time, unknown system), and a final empty block with fixed codes.
const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const finalBlock = Buffer.from([0x03, 0x00]);

/** One gzip member of the blocks, in order. */
export function gzipMember(blocks: readonly DeflatedBlock[]): Buffer {
	let crc = 0;
	let length = 0;
	for (const block of blocks) {
		crc = crc32Combine(crc, block.crc, block.length);
		length += block.length;
	}
	const trailer = Buffer.alloc(8);
	trailer.writeUInt32LE(crc >>> 0, 0);
	trailer.writeUInt32LE(length % 2 ** 32, 4);
	return Buffer.concat([header, ...blocks.map((block) => block.deflated), finalBlock, trailer]);
}

// CRC-32 combination as zlib does it (crc32_combine): multiplying by x^(8·len) modulo the
// CRC's polynomial, in its reflected form.
const polynomial = 0xedb88320;

/** a·b modulo the polynomial. */
function multiplyModP(a: number, b: number): number {
	let product = 0;
	for (let m = 0x80000000; m !== 0; m >>>= 1) {
		if (a & m) product ^= b;
		b = b & 1 ? (b >>> 1) ^ polynomial : b >>> 1;
	}
	return product >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0…31. */
const powers: number[] = [];
for (let p = 0x40000000, k = 0; k < 32; k++) {
	powers.push(p);
	p = multiplyModP(p, p);
}

/** x^(n·2^k) modulo the polynomial. */
function powerOfX(n: number, k: number): number {
	let p = 0x80000000;
	for (; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multiplyModP(powers[k & 31], p);
	return p;
}

/** The CRC-32 of A followed by B, from A's, B's and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
	return (multiplyModP(powerOfX(lengthB, 3), crcA) ^ crcB) >>> 0;
}
