/**
 * What the records need of a database connection: statements with `?` placeholders and
 * positional parameters, answered asynchronously. SQLite and PostgreSQL each implement it, so
 * every query of the records is written once (docs/architecture.md, "Storage").
 *
 * The SQL is the subset both speak: `"user"` quoted (a reserved word in PostgreSQL), `ON
 * CONFLICT … DO NOTHING/UPDATE` rather than `INSERT OR …`, `IN (?, ?)` rather than
 * `json_each`, no boolean results (compare in SQL to 1/0 or read a count). Where the two
 * differ, the records ask `dialect`.
 */
export interface Sql {
	readonly dialect: Dialect;
	/** Every row. */
	all<Row>(text: string, ...params: unknown[]): Promise<Row[]>;
	/** The first row, or undefined. */
	get<Row>(text: string, ...params: unknown[]): Promise<Row | undefined>;
	/** The first column of the first row, or undefined when there is no row. */
	value<Value>(text: string, ...params: unknown[]): Promise<Value | undefined>;
	/** The first column of every row. */
	values<Value>(text: string, ...params: unknown[]): Promise<Value[]>;
	/** Runs a write; answers how many rows it changed. */
	run(text: string, ...params: unknown[]): Promise<number>;
}

/** Where the two databases' SQL differs. */
export interface Dialect {
	readonly name: 'sqlite' | 'postgres';
	/**
	 * An expression compared and sorted without regard to ASCII case, as SQLite's NOCASE does
	 * (PostgreSQL's columns are `COLLATE "C"`, so `lower` folds ASCII only, the same).
	 */
	nocase(expression: string): string;
	/** `LIKE` that ignores ASCII case, as SQLite's LIKE does. */
	readonly like: 'LIKE' | 'ILIKE';
	/** The larger / smaller of two values (SQLite's two-argument MAX/MIN). */
	greatest(a: string, b: string): string;
	least(a: string, b: string): string;
	/**
	 * An aggregate: the group's values of `expression` in `orderBy` order, as the text of a JSON
	 * array, `[]` when the group is empty (SQLite's `json_group_array`).
	 */
	jsonArray(expression: string, orderBy: string): string;
}

export const sqliteDialect: Dialect = {
	name: 'sqlite',
	nocase: (expression) => `${expression} COLLATE NOCASE`,
	like: 'LIKE',
	greatest: (a, b) => `MAX(${a}, ${b})`,
	least: (a, b) => `MIN(${a}, ${b})`,
	jsonArray: (expression, orderBy) => `json_group_array(${expression} ORDER BY ${orderBy})`
};

export const postgresDialect: Dialect = {
	name: 'postgres',
	nocase: (expression) => `lower(${expression})`,
	like: 'ILIKE',
	greatest: (a, b) => `GREATEST(${a}, ${b})`,
	least: (a, b) => `LEAST(${a}, ${b})`,
	jsonArray: (expression, orderBy) =>
		`COALESCE(json_agg(${expression} ORDER BY ${orderBy})::text, '[]')`
};

/** `?, ?, ?` for a list bound one value per placeholder (`IN (…)`). */
export const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
