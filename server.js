// Production entry: adapter-node's server (its PORT, HOST, ORIGIN and graceful shutdown), with
// the stream's WebSocket upgrade handed to the handler the app registered at init.
import { server } from './build/index.js';

const handlerKey = Symbol.for('tidewatch.upgradeHandler');

server.server.on('upgrade', (request, socket, head) => {
	const handler = globalThis[handlerKey];
	if (handler) handler(request, socket, head);
	else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
});
