// The bare floor of bench/schedule.js, started by it as a process of its own, as the app is:
// Node's `http` server and a `ws` WebSocketServer with the app's stream settings, and nothing
// of the app (no session, no database, no SvelteKit, no projection).
//
//   GET /page/<name>   the bytes of $FLOOR_PAGES/<name>.html, read once at start, as text/html:
//                      the floor of a server-side render of the same size; or of <name>.html.gz,
//                      with `content-encoding: gzip`: bytes the app compressed, sent as they are
//                      (the floor of a page cached already compressed)
//   POST /broadcast    takes an ApiEvent, wraps it as {"type":"event","id":N,"event":…} with
//                      the next id, notes the time it had the whole body, and sends that one
//                      buffer to every socket: the floor of the app's fan-out
//   GET /stamps        [[id, ms on the monotonic clock]…] of the broadcasts so far, then forgets them
//   upgrade /api/events   a stream that sends `connected` and then the broadcasts
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { nowMs, serveStreams } from './lib.js';

const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST ?? '127.0.0.1';
const pages = new Map();
if (process.env.FLOOR_PAGES) {
	for (const file of readdirSync(process.env.FLOOR_PAGES)) {
		const [, name, gzip] = file.match(/^(.+)\.html(\.gz)?$/) ?? [];
		if (name)
			pages.set(name, { body: readFileSync(join(process.env.FLOOR_PAGES, file)), gzip: !!gzip });
	}
}

const sockets = new Set();
let lastId = 0;
let stamps = [];

const server = createServer((request, response) => {
	const page = request.method === 'GET' && request.url?.match(/^\/page\/([a-z-]+)$/)?.[1];
	if (page && pages.has(page)) {
		const { body, gzip } = pages.get(page);
		response.writeHead(200, {
			'content-type': 'text/html',
			'content-length': body.length,
			...(gzip ? { 'content-encoding': 'gzip' } : {})
		});
		response.end(body);
		return;
	}
	if (request.method === 'POST' && request.url === '/broadcast') {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			const id = ++lastId;
			stamps.push([id, nowMs()]);
			const frame = Buffer.from(`{"type":"event","id":${id},"event":${Buffer.concat(chunks)}}`);
			for (const ws of sockets) ws.send(frame, { binary: false });
			response.writeHead(204).end();
		});
		return;
	}
	if (request.method === 'GET' && request.url === '/stamps') {
		const body = JSON.stringify(stamps);
		stamps = [];
		response.writeHead(200, { 'content-type': 'application/json' }).end(body);
		return;
	}
	response.writeHead(404).end();
});

serveStreams(server, sockets, { host, port });
