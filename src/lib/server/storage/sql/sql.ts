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
}

export const sqliteDialect: Dialect = {
	name: 'sqlite',
	nocase: (expression) => `${expression} COLLATE NOCASE`,
	like: 'LIKE',
	greatest: (a, b) => `MAX(${a}, ${b})`,
	least: (a, b) => `MIN(${a}, ${b})`
};

export const postgresDialect: Dialect = {
	name: 'postgres',
	nocase: (expression) => `lower(${expression})`,
	like: 'ILIKE',
	greatest: (a, b) => `GREATEST(${a}, ${b})`,
	least: (a, b) => `LEAST(${a}, ${b})`
};

/** `?, ?, ?` for a list bound one value per placeholder (`IN (…)`). */
export const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
