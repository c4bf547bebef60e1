import pg from 'pg';
import { postgresDialect, type Sql } from '../sql/sql';

/** What a statement runs on: a pool (one statement, autocommit) or one client (a transaction). */
export type Queryable = Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>;

/**
 * `bigint` (times in milliseconds, ids, COUNT) and `numeric` (SUM of a bigint) come back as
 * JavaScript numbers, as SQLite's integers do: every value stored is well below 2^53.
 */
export const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, Number);
types.setTypeParser(pg.types.builtins.NUMERIC, Number);

interface Statement {
	/** Null once the cache is full: run unnamed, parsed each time. */
	name: string | null;
	text: string;
}

/**
 * Each distinct text is rewritten once and gets a name, under which node-postgres prepares it
 * once per connection. The records' texts are a fixed set, but a list bound one value per
 * placeholder (`IN (?, ?, …)`) makes one text per length: past the cap, texts run unnamed, so
 * neither this map nor the server's prepared statements per connection grow without bound.
 */
const statementsKey = Symbol.for('tidewatch.postgresStatements');
// On globalThis: a module loaded twice (dev's reloads) must not give one name to two texts on
// the storage's connections.
const statements = ((globalThis as { [statementsKey]?: Map<string, Statement> })[statementsKey] ??=
	new Map());
const maxNamed = 2000;

export function statement(text: string): Statement {
	let found = statements.get(text);
	if (!found) {
		const name = statements.size < maxNamed ? `tw${statements.size + 1}` : null;
		found = { name, text: numberPlaceholders(text) };
		if (name) statements.set(text, found);
	}
	return found;
}

/**
 * `?` → `$1`, `$2`, … outside string literals, quoted names and comments: the records write
 * SQLite's placeholders, which PostgreSQL does not know.
 */
export function numberPlaceholders(text: string): string {
	let out = '';
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === "'" || c === '"') {
			const end = text.indexOf(c, i + 1);
			const stop = end === -1 ? text.length : end + 1;
			out += text.slice(i, stop);
			i = stop - 1;
		} else if (c === '-' && text[i + 1] === '-') {
			const end = text.indexOf('\n', i);
			const stop = end === -1 ? text.length : end;
			out += text.slice(i, stop);
			i = stop - 1;
		} else if (c === '?') out += `$${++n}`;
		else out += c;
	}
	return out;
}

function query<Row extends pg.QueryResultRow>(
	on: Queryable,
	text: string,
	values: unknown[]
): Promise<pg.QueryResult<Row>> {
	const { name, text: numbered } = statement(text);
	return on.query<Row>(name ? { name, text: numbered, values } : { text: numbered, values });
}

function queryArrays(on: Queryable, text: string, values: unknown[]): Promise<unknown[][]> {
	const { name, text: numbered } = statement(text);
	const config: pg.QueryArrayConfig = { text: numbered, values, rowMode: 'array' };
	if (name) config.name = name;
	return on.query(config).then((result) => result.rows);
}

/** The records' connection on a pool or a client (inside a transaction, a client). */
export function postgresSql(on: Queryable): Sql {
	return {
		dialect: postgresDialect,
		all: async <Row>(text: string, ...params: unknown[]) =>
			(await query(on, text, params)).rows as Row[],
		get: async <Row>(text: string, ...params: unknown[]) =>
			(await query(on, text, params)).rows[0] as Row | undefined,
		value: async <Value>(text: string, ...params: unknown[]) =>
			(await queryArrays(on, text, params))[0]?.[0] as Value | undefined,
		values: async <Value>(text: string, ...params: unknown[]) =>
			(await queryArrays(on, text, params)).map((row) => row[0] as Value),
		run: async (text: string, ...params: unknown[]) => (await query(on, text, params)).rowCount ?? 0
	};
}
