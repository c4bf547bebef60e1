import { getConfig } from '../config';
import { openSqliteStorage, type SqliteStorage } from './sqlite/sqlite-storage';
import type { Storage } from './storage';

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
