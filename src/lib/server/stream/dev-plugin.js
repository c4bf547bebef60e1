// Kept free of app imports and in plain JS: vite.config.ts loads it before the app exists and
// must not load the app's server modules itself.
const handlerKey = Symbol.for('tidewatch.upgradeHandler');

/**
 * Attaches the stream to Vite's HTTP server in `npm run dev`.
 * @returns {import('vite').Plugin}
 */
export function streamDevPlugin() {
	return {
		name: 'tidewatch-stream',
		configureServer(server) {
			// Under Vitest there is no HTTP server.
			if (!server.httpServer) return;
			server.httpServer.on('upgrade', async (request, socket, head) => {
				if (request.headers['sec-websocket-protocol'] === 'vite-hmr') return;
				if (!request.url?.startsWith('/api/events')) return;
				// Through Vite's module graph the hooks are the very instances the pages use; their
				// init is idempotent and registers the handler.
				const hooks = await server.ssrLoadModule('/src/hooks.server.ts');
				await hooks.init?.();
				const handler = /** @type {any} */ (globalThis)[handlerKey];
				if (handler) handler(request, socket, head);
				else socket.destroy();
			});
		}
	};
}
