import type { StoredEvent } from '$lib/server/events/stored-event';
import { closeStorage, storage, type Records, type SessionEnd } from '$lib/server/storage';
import type { SqliteStorage } from '$lib/server/storage/sqlite/sqlite-storage';
import { openDatabase } from '$lib/server/storage/sqlite/open';
import { sqlRecords } from '$lib/server/storage/sql/records';
import { sqliteSql } from '$lib/server/storage/sqlite/sqlite-sql';

// The unit tests' ways into the process's storage: its SQLite connection, to set up and check
// rows directly, its records, and its subscriptions.

export const getDb = () => (storage() as SqliteStorage).db;
export const closeDb = closeStorage;
/** A read through the storage, as the app reads. */
export const readRecords = <T>(read: (records: Records) => T | Promise<T>) => storage().read(read);
export const subscribeEvents = (listener: (event: StoredEvent) => void) =>
	storage().onEvent(listener);
export const onSessionEnded = (listener: (end: SessionEnd) => void) =>
	storage().onSessionEnded(listener);

/** A fresh in-memory database's records, for tests of one rule on a few rows. */
export function memoryRecords() {
	const db = openDatabase(':memory:');
	return { db, records: sqlRecords(sqliteSql(db)) };
}
