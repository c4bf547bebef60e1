import type { StoredEvent } from './stored-event';

type Listener = (event: StoredEvent) => void;

const key = Symbol.for('tidewatch.eventBus');
type Global = { [key]?: Set<Listener> };
const listeners = () => ((globalThis as Global)[key] ??= new Set());

/** Hears every committed event, in id order. */
export function subscribeEvents(listener: Listener): () => void {
	listeners().add(listener);
	return () => listeners().delete(listener);
}

export function publishEvent(event: StoredEvent): void {
	for (const listener of listeners()) {
		try {
			listener(event);
		} catch (error) {
			// One broken subscriber must not keep the event from the others.
			console.error('event subscriber failed', error);
		}
	}
}
