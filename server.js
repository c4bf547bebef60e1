// Production entry: adapter-node's server (its PORT, HOST, ORIGIN and graceful shutdown), with
// the stream's WebSocket upgrade handed to the handler the app registered at init.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The build to serve: `build/`, or the folder BUILD_DIR names (the tests serve their own build,
// so that `npm test` never replaces the one `npm start` serves).
const buildDir = resolve(import.meta.dirname, process.env.BUILD_DIR || 'build');

// Without ORIGIN, adapter-node assumes https, so a browser on http://localhost:3000 would have
// its forms refused as cross-site. This server speaks plain http: say so, in a header of our
// own that we set on every request (a client cannot forge it).
const protocolHeader = 'x-tidewatch-protocol';
const sayProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (sayProtocol) process.env.PROTOCOL_HEADER = protocolHeader;

// The app's init hook opens (and creates) the database before adapter-node listens: find out
// first whether the port can be had, so a taken port leaves nothing behind but one clear line.
const { createServer } = await import('node:net');
const listenHost = process.env.HOST || '0.0.0.0';
const listenPort = process.env.PORT || '3000';
if (!process.env.SOCKET_PATH && !process.env.LISTEN_PID && /^\d+$/.test(listenPort)) {
	const problem = await new Promise((done) => {
		const probe = createServer();
		probe.once('error', (error) => done(error));
		probe.listen({ host: listenHost, port: Number(listenPort), exclusive: true }, () =>
			probe.close(() => done(null))
		);
	});
	if (problem) cannotListen(problem);
}

function cannotListen(error) {
	const where = `port ${listenPort} on ${listenHost}`;
	const why =
		error.code === 'EADDRINUSE'
			? `${where} is already in use (set PORT)`
			: error.code === 'EACCES'
				? `no permission to listen on ${where} (set PORT)`
				: error.code === 'EADDRNOTAVAIL'
					? `${listenHost} is not an address of this machine (set HOST)`
					: `cannot listen on ${where}: ${error.message}`;
	console.error(`Tidewatch cannot start: ${why}`);
	process.exit(1);
}

if (!existsSync(join(buildDir, 'index.js'))) {
	console.error(`Tidewatch cannot start: no build in ${buildDir} (run \`npm run build\`)`);
	process.exit(1);
}
// The app answers the built files itself (see below), from the folder it is told here.
globalThis[Symbol.for('tidewatch.clientDir')] = join(buildDir, 'client');
const { server } = await import(pathToFileURL(join(buildDir, 'index.js')).href);

const handlerKey = Symbol.for('tidewatch.upgradeHandler');
const http = server.server;
// Taken between the probe and adapter-node's listen: still one line rather than a stack trace.
http.on('error', (error) => {
	if (!http.listening) cannotListen(error);
	throw error;
});

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

const announce = () => {
	const address = http.address();
	const listen =
		typeof address === 'string'
			? address
			: address
				? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
				: 'a socket from the service manager';
	globalThis[Symbol.for('tidewatch.announceStart')]?.(listen);
};
if (http.listening) announce();
else http.once('listening', announce);

http.on('upgrade', (request, socket, head) => {
	// The stream tells the origin by adapter-node's rule too (src/lib/server/request-pipeline.ts).
	if (sayProtocol) request.headers[protocolHeader] = 'http';
	const handler = globalThis[handlerKey];
	if (handler) handler(request, socket, head);
	else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
});

// The app answers a few requests before SvelteKit (src/lib/server/early-answers.ts): the built
// files (a file gone since the start is a 404, not an error that ends the process), an API
// path it cannot decode and kept schedule pages; it may also hold a schedule page's request back
// for a moment, then hand it on (`kit`).
const earlyAnswersKey = Symbol.for('tidewatch.earlyAnswers');
const listeners = http.listeners('request');
http.removeAllListeners('request');
http.on('request', (request, response) => {
	if (sayProtocol) request.headers[protocolHeader] = 'http';
	const kit = () => {
		for (const listener of listeners) listener.call(http, request, response);
	};
	if (globalThis[earlyAnswersKey]?.(request, response, kit)) return;
	kit();
});
