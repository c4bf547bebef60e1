import { createServer } from 'node:net';

/** A port of 127.0.0.1 nothing listens on now (vitest-free: the e2e suite uses it too). */
export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolvePort(port));
		});
	});
}
