import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

const rows = new WeakMap<Db, Map<string, Statement>>();
const firstColumns = new WeakMap<Db, Map<string, Statement>>();

function cached(
	caches: WeakMap<Db, Map<string, Statement>>,
	db: Db,
	sql: string,
	pluck: boolean
): Statement {
	let statements = caches.get(db);
	if (!statements) caches.set(db, (statements = new Map()));
	let statement = statements.get(sql);
	if (!statement) {
		statement = db.prepare(sql);
		if (pluck) statement.pluck();
		statements.set(sql, statement);
	}
	return statement;
}

/** Prepares each SQL text once per connection: parsing it on every call cost 10% of a request. */
export const prepared = (db: Db, sql: string): Statement => cached(rows, db, sql, false);

/**
 * The same, answering each row's first column. Plucking is a mode of the statement itself, so
 * a text read both ways is prepared once for each.
 */
export const preparedPlucked = (db: Db, sql: string): Statement =>
	cached(firstColumns, db, sql, true);
