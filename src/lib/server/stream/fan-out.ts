import { personalTo, projectEvent } from '../events/projection';
import type { StoredEvent } from '../events/stored-event';
import type { StreamConnection } from './connection';
import { frameEvent } from './frames';
import type { StreamRegistry } from './registry';

/**
 * Projects and serialises a live event once per view, never once per socket (contract §4):
 * per access level, or for a personal event once for the streams of the user it is for.
 */
export function fanOut(registry: StreamRegistry, event: StoredEvent): void {
	const owner = personalTo(event);
	if (owner !== null) {
		deliver(registry.ofUser(owner), event);
		return;
	}
	for (const group of registry.byView.values()) deliver(group, event);
}

function deliver(group: Iterable<StreamConnection>, event: StoredEvent): void {
	let frame: Buffer | null | undefined;
	for (const conn of group) {
		if (frame === undefined) {
			const visible = projectEvent(event, conn.viewer);
			frame = visible && frameEvent(event.id, visible);
		}
		if (frame === null) return;
		conn.deliver(event.id, frame);
	}
}
