import { projectEvent } from '../events/projection';
import type { StoredEvent } from '../events/stored-event';
import type { StreamRegistry } from './registry';

/** Projects and serialises a live event once per view, never once per socket (contract §4). */
export function fanOut(registry: StreamRegistry, event: StoredEvent): void {
	for (const group of registry.byView.values()) {
		const first = group.values().next().value;
		if (!first) continue;
		const visible = projectEvent(event, first.viewer);
		if (!visible) continue;
		const frame = Buffer.from(JSON.stringify({ type: 'event', id: event.id, event: visible }));
		for (const conn of group) conn.deliver(event.id, frame);
	}
}
