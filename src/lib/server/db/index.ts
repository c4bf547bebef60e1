import { getConfig } from '../config';
import { openDatabase, type Db } from './open';

export type { Db } from './open';

const key = Symbol.for('tidewatch.db');
type Global = { [key]?: Db };

/** The process's one connection, shared by pages, API and stream even when dev reloads modules. */
export function getDb(): Db {
	return ((globalThis as Global)[key] ??= openDatabase(getConfig().DATABASE_PATH));
}

export function closeDb(): void {
	const g = globalThis as Global;
	g[key]?.close();
	delete g[key];
}
