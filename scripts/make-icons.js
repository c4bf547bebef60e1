// Draws the app's icons (static/icon-192.png, static/icon-512.png) from favicon.svg's shapes:
// the sea, a wave and its crest, edge to edge so the icon may be masked. Run once, by hand:
// `node scripts/make-icons.js`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (bytes) => {
	let c = 0xffffffff;
	for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

const sea = [0x0b, 0x4f, 0x6c];
const water = [0x7f, 0xd1, 0xe8];
const white = [0xff, 0xff, 0xff];
// The SVG's waves on its 32-unit square: y = base - 4·sin-like swell, as its two cubic curves.
const wave = (x, base) => base - 4 * Math.sin((Math.PI * (x - 4)) / 12);

function icon(size) {
	const rows = [];
	for (let py = 0; py < size; py++) {
		const row = Buffer.alloc(1 + size * 3);
		for (let px = 0; px < size; px++) {
			const x = ((px + 0.5) / size) * 32;
			const y = ((py + 0.5) / size) * 32;
			let colour = sea;
			if (y > wave(x, 19) && y < 25 && x > 4 && x < 28) colour = water;
			if (Math.abs(y - wave(x, 13)) < 1.25 && x > 4 && x < 28) colour = white;
			row.set(colour, 1 + px * 3);
		}
		rows.push(row);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0))
	]);
}

for (const size of [192, 512]) writeFileSync(`static/icon-${size}.png`, icon(size));
