// Production entry: adapter-node's server (its PORT, HOST, ORIGIN and graceful shutdown), with
// the stream's WebSocket upgrade handed to the handler the app registered at init.

// Without ORIGIN, adapter-node assumes https, so a browser on http://localhost:3000 would have
// its forms refused as cross-site. This server speaks plain http: say so, in a header of our
// own that we set on every request (a client cannot forge it).
const protocolHeader = 'x-tidewatch-protocol';
const sayProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (sayProtocol) process.env.PROTOCOL_HEADER = protocolHeader;

const { server } = await import('./build/index.js');

const handlerKey = Symbol.for('tidewatch.upgradeHandler');
const http = server.server;

http.on('upgrade', (request, socket, head) => {
	const handler = globalThis[handlerKey];
	if (handler) handler(request, socket, head);
	else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
});

// SvelteKit answers an API path it cannot decode with its HTML error page before any hook
// runs; API clients get `{ message }` like every other error of the API.
const listeners = http.listeners('request');
http.removeAllListeners('request');
http.on('request', (request, response) => {
	if (sayProtocol) request.headers[protocolHeader] = 'http';
	if (request.url?.startsWith('/api/') && !decodes(request.url)) {
		const body = JSON.stringify({ message: 'the path is not valid percent-encoded UTF-8' });
		response.writeHead(400, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(body)
		});
		response.end(body);
		return;
	}
	for (const listener of listeners) listener.call(http, request, response);
});

function decodes(url) {
	try {
		decodeURI(url.split('?')[0]);
		return true;
	} catch {
		return false;
	}
}
