import type { StoredEvent } from '$lib/server/events/stored-event';
import { getConfig } from '$lib/server/config';
import {
	closeStorage,
	openStorage,
	storage,
	type Records,
	type SessionEnd
} from '$lib/server/storage';
import type { SqliteStorage } from '$lib/server/storage/sqlite/sqlite-storage';
import { openDatabase } from '$lib/server/storage/sqlite/open';
import { sqlRecords } from '$lib/server/storage/sql/records';
import { sqliteSql } from '$lib/server/storage/sqlite/sqlite-sql';
import { emptyTables, queryNow, writeNow as writeNowAt } from './postgres';

// The unit tests' ways into the process's storage: its connection, to set up and check rows
// directly, its records, and its subscriptions. The unit project runs on SQLite's `:memory:`;
// unit-postgres runs the same files on a PostgreSQL database of their own
// (tests/helpers/postgres-unit.ts).

/** The SQLite connection, for the tests of SQLite's own parts. */
export const getDb = () => (storage() as SqliteStorage).db;

/**
 * The storage closed and opened again, empty: SQLite's `:memory:` opens empty, the PostgreSQL
 * database is emptied meanwhile.
 */
export async function resetStorage(): Promise<void> {
	await closeStorage();
	const url = getConfig().DATABASE_URL;
	if (url) await emptyTables(url);
	await openStorage();
}

/**
 * Rows read at once, in the SQL both databases speak (`"user"` quoted), as a test checks what the
 * rules wrote: SQLite on the storage's connection, PostgreSQL on a connection of a worker thread
 * (tests/helpers/postgres.ts), so a synchronous check stays synchronous.
 */
export function rowsNow<Row>(sql: string, ...params: unknown[]): Row[] {
	const url = getConfig().DATABASE_URL;
	return url
		? queryNow<Row>(url, sql, params)
		: (getDb()
				.prepare(sql)
				.all(...params) as Row[]);
}

/** The first column of the first row, read at once. */
export function valueNow<Value>(sql: string, ...params: unknown[]): Value | undefined {
	const [row] = rowsNow<Record<string, Value>>(sql, ...params);
	return row && Object.values(row)[0];
}

/** A write done at once, outside the rules, as only a test may. */
export function writeNow(sql: string, ...params: unknown[]): void {
	const url = getConfig().DATABASE_URL;
	if (url) writeNowAt(url, sql, [params]);
	else
		getDb()
			.prepare(sql)
			.run(...params);
}

/**
 * How many generated cases a model runs. On PostgreSQL a case costs round trips where SQLite's
 * cost microseconds, and a fresh database costs 30 ms: a share of SQLite's cases, from the same
 * generators against the same rules, keeps a file to seconds.
 */
export const modelRuns = (onSqlite: number, onPostgres: number) =>
	getConfig().DATABASE_URL ? onPostgres : onSqlite;

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
