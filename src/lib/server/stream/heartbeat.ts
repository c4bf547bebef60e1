import { pingAndHeartbeatFrames, writeFrames } from './frames';
import type { StreamRegistry } from './registry';
import { inSlices } from './slices';

/**
 * Pings every open stream each `everyMs` and terminates one that missed two pongs. Returns what
 * stops it.
 */
export function startHeartbeat(registry: StreamRegistry, everyMs: number): () => void {
	const heartbeat = setInterval(() => {
		// In slices, like fan-out: thousands of sockets at once would be one long loop turn.
		inSlices([...registry.all], (conn) => {
			// Not before its `connected` message.
			if (!conn.connected) return;
			if (conn.missedPongs >= 2) {
				conn.ws.terminate();
				return;
			}
			conn.missedPongs++;
			// The ping is invisible to a browser: the heartbeat message is what tells it the line
			// is alive. Both frames go in one write.
			if (!conn.closed) writeFrames(conn.ws, pingAndHeartbeatFrames);
			else conn.ws.ping();
		});
	}, everyMs);
	heartbeat.unref();
	return () => clearInterval(heartbeat);
}
