// Opens `count` anonymous streams from `lastEventId` and reads them as fast as it can, each
// checking that it receives exactly the ids listed in `expectedFile` (a JSON array), in order.
// Its own process, so the work of reading never slows the test's own measurements. Prints one
// JSON line: per stream, how many events arrived, the first wrong one, and how long it took.
//
//   node replay-readers.mjs <server url> <count> <lastEventId> <expectedFile>
//
// A plain TCP client that reads the frames itself, and of each message only its id: the test
// wants the server's CPU busy with the replays, not with a client library sharing its two cores.
// The server sends unfragmented text frames, pings and a close; it sends no compressed frames.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const [url, countArg, fromArg, expectedFile] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
const { hostname, port } = new URL(url);
const prefix = Buffer.from('{"type":"event","id":');

function read() {
	return new Promise((resolve) => {
		const started = performance.now();
		const result = { received: 0, wrong: null, closed: null, ms: 0 };
		let settled = false;
		const finish = () => {
			if (settled) return;
			settled = true;
			result.ms = Math.round(performance.now() - started);
			socket.destroy();
			resolve(result);
		};
		const socket = connect(Number(port), hostname, () => {
			socket.write(
				`GET /api/events?lastEventId=${fromArg} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
					`Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: ${url}\r\n` +
					`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
					`Sec-WebSocket-Version: 13\r\n\r\n`
			);
		});
		let pending = Buffer.alloc(0);
		let upgraded = false;
		const onMessage = (data) => {
			if (!data.subarray(0, prefix.length).equals(prefix)) {
				if (JSON.parse(data.toString()).type === 'resync') result.wrong ??= 'resync';
				return;
			}
			let id = 0;
			for (let i = prefix.length; data[i] >= 48 && data[i] <= 57; i++) id = id * 10 + data[i] - 48;
			if (result.wrong === null && id !== expected[result.received]) {
				result.wrong = `event ${result.received}: ${id} where ${expected[result.received]} was due`;
			}
			result.received++;
			if (result.received === expected.length) finish();
		};
		socket.on('data', (chunk) => {
			let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
			if (!upgraded) {
				const end = data.indexOf('\r\n\r\n');
				if (end < 0) return void (pending = data);
				const status = data.subarray(0, data.indexOf('\r\n')).toString();
				if (!status.includes(' 101 ')) {
					result.wrong = status;
					return finish();
				}
				upgraded = true;
				data = data.subarray(end + 4);
			}
			let at = 0;
			while (at + 2 <= data.length) {
				const opcode = data[at] & 0x0f;
				let length = data[at + 1] & 0x7f;
				let header = 2;
				if (length === 126) {
					if (at + 4 > data.length) break;
					length = data.readUInt16BE(at + 2);
					header = 4;
				} else if (length === 127) {
					if (at + 10 > data.length) break;
					length = Number(data.readBigUInt64BE(at + 2));
					header = 10;
				}
				if (at + header + length > data.length) break;
				const payload = data.subarray(at + header, at + header + length);
				at += header + length;
				if (opcode === 1) onMessage(payload);
				// A pong, masked as a client's frames must be, so the heartbeat keeps the stream.
				else if (opcode === 9) socket.write(Buffer.from([0x8a, 0x80, 0, 0, 0, 0]));
				else if (opcode === 8) {
					result.closed = length >= 2 ? payload.readUInt16BE(0) : 1005;
					return finish();
				}
			}
			pending = data.subarray(at);
		});
		socket.on('error', (error) => {
			result.wrong ??= String(error);
			finish();
		});
		socket.on('close', finish);
	});
}

const results = await Promise.all(Array.from({ length: Number(countArg) }, read));
process.stdout.write(JSON.stringify(results) + '\n');
