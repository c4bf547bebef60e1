import { closeCodes } from '$lib/api';
import { getConfig } from '../config';
import { storage } from '../storage';
import { watchSessionDeadlines } from './deadlines';
import { createFanOut } from './fan-out';
import { startHeartbeat } from './heartbeat';
import { createOpen } from './open';
import { publishRegistry, StreamRegistry } from './registry';
import { Replays } from './replay';
import { createUpgrades, registerUpgradeHandler } from './upgrade';

/**
 * Starts the stream: subscribes to events and session endings and registers the upgrade handler.
 * Its parts: the upgrade (upgrade.ts), opening and replay (open.ts, replay.ts), live delivery
 * (fan-out.ts), the heartbeat (heartbeat.ts) and the sessions' deadlines (deadlines.ts).
 */
export function startStream(): { stop(): void } {
	const config = getConfig();
	// startApp runs this once per process, so this is the process's one registry.
	const registry = new StreamRegistry();
	publishRegistry(registry);

	const fanOut = createFanOut(registry);
	const replays = new Replays(storage, () => fanOut.heard);
	const unsubscribeEvents = storage().onEvent((event) => fanOut.publish(event));

	const heartbeatMs = config.STREAM_HEARTBEAT_SECONDS * 1000;
	const stopHeartbeat = startHeartbeat(registry, heartbeatMs);
	const deadlines = watchSessionDeadlines();
	const upgrades = createUpgrades(
		config,
		registry,
		createOpen(config, registry, replays, deadlines, heartbeatMs)
	);
	const unsubscribeEnds = storage().onSessionEnded((end) => {
		for (const conn of registry.affectedBy(end)) conn.endSession(end.reason);
		upgrades.sessionEnded(end);
	});
	registerUpgradeHandler((request, socket, head) => void upgrades.handle(request, socket, head));

	return {
		stop() {
			stopHeartbeat();
			deadlines.stop();
			unsubscribeEvents();
			unsubscribeEnds();
			for (const conn of registry.all) conn.end(closeCodes.goingAway, 'server shutting down');
			upgrades.close();
		}
	};
}
