// The floor of our own stack: a bare `ws` server on Node's http server. No session, no database,
// no projection. Sockets connect at /api/events (any query, any cookie); POST /broadcast takes
// an ApiEvent as its body, wraps it as `{"type":"event","id":N,"event":<body>}` with the next id
// (ids follow the order the requests are handled in, as the app's follow commit order), sends
// that one frame to every open socket, then answers 204. The benchmark drives it exactly like
// PATCH /api/users/[id] on the real server.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer } from 'node:http';
import { serveStreams } from './lib.js';

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? '127.0.0.1';

const sockets = new Set();
let lastId = 0;

// BASELINE_ASYNC_LOCAL_STORAGE=1 runs each request inside an AsyncLocalStorage, as SvelteKit
// does, to measure what that costs a broadcast (an experiment; the benchmark leaves it off).
const als = process.env.BASELINE_ASYNC_LOCAL_STORAGE === '1' ? new AsyncLocalStorage() : null;

const server = createServer((request, response) =>
	als ? als.run({ request }, handle, request, response) : handle(request, response)
);

function handle(request, response) {
	if (request.method === 'POST' && request.url === '/broadcast') {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			const frame = Buffer.from(
				`{"type":"event","id":${++lastId},"event":${Buffer.concat(chunks)}}`
			);
			for (const ws of sockets) ws.send(frame, { binary: false });
			response.writeHead(204).end();
		});
		return;
	}
	if (request.method === 'GET' && request.url === '/count') {
		response
			.writeHead(200, { 'content-type': 'application/json' })
			.end(JSON.stringify({ sockets: sockets.size, lastId }));
		return;
	}
	response.writeHead(404).end();
}

serveStreams(server, sockets, { host, port });
