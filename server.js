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

// The app's init hook has validated the configuration by now (adapter-node awaits it on import).
const config = globalThis[Symbol.for('tidewatch.config')];
if (!config) throw new Error('the app did not start: its configuration was never read');

// Node waits 300 s for a request by default: a body sent slowly could hold a connection (and
// the rights its session had when the headers came) for minutes. A stream is upgraded, so once
// open it is no request and these do not apply to it.
http.headersTimeout = config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000;
http.requestTimeout = config.HTTP_REQUEST_TIMEOUT_SECONDS * 1000;
// Node checks them only every 30 s (an option of createServer, which adapter-node calls for
// us); restart its check at a step of a second so a timeout means what it says. Node 20's
// check restarts from `connectionsCheckingInterval` in its own 'listening' listener.
http.connectionsCheckingInterval = Math.min(1000, http.headersTimeout / 2, http.requestTimeout / 2);
http
	.listeners('listening')
	.find((listener) => listener.name === 'setupConnectionsTracking')
	?.call(http);

/** What hooks.server.ts sets on every answer of the app, for the few answered here. */
const securityHeaders = {
	'x-content-type-options': 'nosniff',
	'x-frame-options': 'DENY',
	'referrer-policy': 'same-origin',
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
	...(config.ORIGIN?.startsWith('https:')
		? { 'strict-transport-security': 'max-age=31536000' }
		: {})
};

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
			...securityHeaders,
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
