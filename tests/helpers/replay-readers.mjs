// Opens `count` anonymous streams from `lastEventId` and reads them as fast as it can, each
// checking that it receives exactly the ids listed in `expectedFile` (a JSON array), in order.
// Its own process, so the work of reading never slows the test's own measurements. Prints one
// JSON line: per stream, how many events arrived, the first wrong one, and how long it took.
//
//   node replay-readers.mjs <server url> <count> <lastEventId> <expectedFile>
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const [url, countArg, fromArg, expectedFile] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectedFile, 'utf8'));
const prefix = Buffer.from('{"type":"event","id":');

function read() {
	return new Promise((resolve) => {
		const started = performance.now();
		const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events?lastEventId=${fromArg}`, {
			headers: { origin: url }
		});
		const result = { received: 0, wrong: null, closed: null, ms: 0 };
		const finish = () => {
			result.ms = Math.round(performance.now() - started);
			ws.terminate();
			resolve(result);
		};
		ws.on('message', (data) => {
			// Only the id is read: parsing millions of whole messages would cost this process more
			// than the server spends sending them.
			if (!data.subarray(0, prefix.length).equals(prefix)) {
				const type = JSON.parse(data.toString()).type;
				if (type === 'resync') result.wrong = 'resync';
				return;
			}
			let id = 0;
			for (let i = prefix.length; data[i] >= 48 && data[i] <= 57; i++) id = id * 10 + data[i] - 48;
			if (result.wrong === null && id !== expected[result.received]) {
				result.wrong = `event ${result.received}: ${id} where ${expected[result.received]} was due`;
			}
			result.received++;
			if (result.received === expected.length) finish();
		});
		ws.on('error', (error) => (result.wrong ??= String(error)));
		ws.on('close', (code) => {
			result.closed = code;
			if (result.received < expected.length) finish();
		});
	});
}

const results = await Promise.all(Array.from({ length: Number(countArg) }, read));
process.stdout.write(JSON.stringify(results) + '\n');
