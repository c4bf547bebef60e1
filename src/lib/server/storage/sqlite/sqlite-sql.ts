import { sqliteDialect, type Sql } from '../sql/sql';
import type { Db } from './open';
import { prepared, preparedPlucked } from './statements';

/**
 * The records' connection on better-sqlite3: each text prepared once (the statement caches),
 * run at once in the caller's step, its answer handed back as a settled promise.
 */
export const sqliteSql = (db: Db): Sql => ({
	dialect: sqliteDialect,
	async all<Row>(text: string, ...params: unknown[]) {
		return prepared(db, text).all(...params) as Row[];
	},
	async get<Row>(text: string, ...params: unknown[]) {
		return prepared(db, text).get(...params) as Row | undefined;
	},
	async value<Value>(text: string, ...params: unknown[]) {
		return preparedPlucked(db, text).get(...params) as Value | undefined;
	},
	async values<Value>(text: string, ...params: unknown[]) {
		return preparedPlucked(db, text).all(...params) as Value[];
	},
	async run(text: string, ...params: unknown[]) {
		return prepared(db, text).run(...params).changes;
	}
});
