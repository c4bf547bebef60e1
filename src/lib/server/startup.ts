import { sweepExpiredSessions } from './auth/session-end';
import { ConfigError, getConfig } from './config';
import { getDb } from './db';
import { startStream } from './stream/start';

const key = Symbol.for('tidewatch.started');
type Global = { [key]?: true };

/** Runs once per process, whichever entry (adapter-node, Vite) gets there first. */
export function startApp(): void {
	const g = globalThis as Global;
	if (g[key]) return;
	try {
		getConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
	getDb();
	g[key] = true;
	const sweep = setInterval(() => void sweepExpiredSessions().catch(console.error), 60_000);
	sweep.unref();
	startStream();
}
