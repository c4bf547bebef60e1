// The Socket.IO 4 floor: what the same broadcast costs through the most common framework for it.
// WebSocket transport only (no long-polling), no compression, the same 1 KiB limit on client
// frames as the app. SOCKETIO_RECOVERY=1 turns on connection-state recovery, which keeps every
// broadcast packet for a while and stamps it with an offset (Socket.IO's own no-loss feature).
// POST /broadcast takes an ApiEvent as its body and emits `{ type: "event", id, event }` with
// the next id to every socket, then answers 204: driven exactly like the bare `ws` baseline.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST ?? '127.0.0.1';
const recovery = process.env.SOCKETIO_RECOVERY === '1';

let lastId = 0;
const server = createServer((request, response) => {
	if (request.method === 'POST' && request.url === '/broadcast') {
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			// A Socket.IO application emits objects; the framework serialises them once per emit.
			const event = JSON.parse(Buffer.concat(chunks).toString());
			io.emit('event', { type: 'event', id: ++lastId, event });
			response.writeHead(204).end();
		});
		return;
	}
	if (request.method === 'GET' && request.url === '/count') {
		response
			.writeHead(200, { 'content-type': 'application/json' })
			.end(JSON.stringify({ sockets: io.engine.clientsCount, lastId }));
		return;
	}
	response.writeHead(404).end();
});

const io = new Server(server, {
	transports: ['websocket'],
	perMessageDeflate: false,
	httpCompression: false,
	serveClient: false,
	maxHttpBufferSize: 1024,
	...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 } } : {})
});
io.on('connection', (socket) => socket.emit('connected', { lastEventId: lastId }));

server.listen(port, host, () =>
	console.log(
		`Listening on http://${host}:${port} (Socket.IO, recovery ${recovery ? 'on' : 'off'})`
	)
);

const stop = () => {
	io.close();
	setTimeout(() => process.exit(0), 2000).unref();
	server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
