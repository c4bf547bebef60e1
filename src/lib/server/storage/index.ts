import { getConfig } from '../config';
import { PostgresStorage } from './postgres/postgres-storage';
import { openSqliteStorage } from './sqlite/sqlite-storage';
import type { EventPayload, StoredEvent } from '../events/stored-event';
import type { Change, Storage } from './storage';

export type { Change, EventLog, Records, SessionEnd, Snapshot, Storage } from './storage';

const key = Symbol.for('tidewatch.storage');
type Global = { [key]?: Storage };

/**
 * The process's one storage, shared by pages, API and stream even when dev reloads modules;
 * opened at first use: PostgreSQL when DATABASE_URL is set, else the SQLite file at
 * DATABASE_PATH.
 */
export function storage(): Storage {
	return ((globalThis as Global)[key] ??= openConfigured());
}

function openConfigured(): Storage {
	const config = getConfig();
	if (!config.DATABASE_URL) return openSqliteStorage(config.DATABASE_PATH);
	return new PostgresStorage({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
}

/**
 * The storage once it is usable. SQLite opens and migrates inside `storage()`; PostgreSQL
 * connects and migrates afterwards, and its calls wait for that meanwhile. The start awaits
 * this before the server listens, so a database it cannot reach stops it with one clear line.
 */
export async function openStorage(): Promise<Storage> {
	const opened = storage();
	if (opened instanceof PostgresStorage) await opened.ready;
	return opened;
}

export async function closeStorage(): Promise<void> {
	const g = globalThis as Global;
	const closing = g[key]?.close();
	delete g[key];
	await closing;
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
