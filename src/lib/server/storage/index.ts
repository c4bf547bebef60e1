import { getConfig } from '../config';
import { openSqliteStorage, type SqliteStorage } from './sqlite/sqlite-storage';
import type { EventPayload, StoredEvent } from '../events/stored-event';
import type { Change, Storage } from './storage';

export type { Change, EventLog, Records, SessionEnd, Snapshot, Storage } from './storage';

const key = Symbol.for('tidewatch.storage');
type Global = { [key]?: SqliteStorage };

/**
 * The process's one storage, shared by pages, API and stream even when dev reloads modules;
 * opened at first use on DATABASE_PATH.
 */
export function storage(): Storage {
	return ((globalThis as Global)[key] ??= openSqliteStorage(getConfig().DATABASE_PATH));
}

export function closeStorage(): void {
	const g = globalThis as Global;
	g[key]?.close();
	delete g[key];
}

/**
 * Runs one change through the storage: one write transaction, then its events are announced
 * (docs/stream.md: nothing broadcast that is not committed, nothing committed left unbroadcast).
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
