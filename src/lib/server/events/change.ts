import { storage } from '../storage';
import type { Change } from '../storage/storage';
import type { EventPayload, StoredEvent } from './stored-event';

export type { Change } from '../storage/storage';

/**
 * Runs one change and its events through the storage: one write transaction, then the events
 * are announced (docs/stream.md: nothing broadcast that is not committed, nothing committed
 * left unbroadcast).
 */
export function change<T>(
	body: (tx: Change) => T | Promise<T>,
	now: number = Date.now()
): Promise<T> {
	return storage().change(body, now);
}

/** Appends an event to the change's log; refused outside the change's transaction. */
export function appendEvent(tx: Change, payload: EventPayload): StoredEvent {
	return tx.append(payload);
}
