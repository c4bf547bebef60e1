import { existsSync } from 'node:fs';
import pg from 'pg';
import {
	migrate as migratePostgres,
	migrations as postgresMigrations
} from './postgres/migrations';
import { types } from './postgres/postgres-sql';
import { migrations as sqliteMigrations } from './sqlite/migrations';
import { openDatabase, type Db } from './sqlite/open';

/** Why the copy did not happen; nothing was written to PostgreSQL. */
export class CopyRefused extends Error {}

export interface CopyOptions {
	sqlitePath: string;
	postgresUrl: string;
	/** Rows per INSERT, and a bound on their bytes: memory stays bounded on any size of log. */
	batchRows?: number;
	batchBytes?: number;
	/** Told each table once it is copied. */
	onTable?: (table: string, rows: number) => void;
}

export interface CopyReport {
	tables: { name: string; rows: number }[];
	/** The last event id, now PostgreSQL's `event_head`. */
	head: number;
	version: number;
}

interface Table {
	name: string;
	columns: { name: string; type: string }[];
	/** The tables its foreign keys name. */
	references: string[];
}

/**
 * Tables only PostgreSQL has: the head and the session endings of several instances start
 * empty (the head is set from SQLite's counter), and each side keeps its own migration record.
 */
const postgresOnly = new Set(['event_head', 'session_end', 'migration']);
/**
 * What an instance writes by merely starting on, or being looked at on, an unused database:
 * settings from its environment, feed versions, guessing counts. The copy replaces them.
 */
const replaceable = new Set(['settings', 'feed_version', 'attempt', 'schedule_clock']);
/** SQLite's column types as PostgreSQL spells them (postgres/migrations.ts). */
const typeInPostgres: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text' };

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Copies a SQLite database into an empty PostgreSQL one, in one transaction: every table that
 * SQLite's schema has, in foreign-key order, in batches, then the event head (SQLite's
 * AUTOINCREMENT counter, which outlives pruned events) and the identity counters, so event ids,
 * and so every open page's cursor, stay what they were. It checks the rows of each table and
 * the head before it commits. Refuses (`CopyRefused`), writing nothing, when the file is
 * missing, PostgreSQL already holds data, or the schemas differ.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
	const { sqlitePath, postgresUrl, batchRows = 2000, batchBytes = 8 << 20 } = options;
	if (sqlitePath === ':memory:' || !existsSync(sqlitePath)) {
		throw new CopyRefused(`No SQLite database at ${sqlitePath} (set DATABASE_PATH).`);
	}
	const client = new pg.Client({ connectionString: postgresUrl, types });
	try {
		await client.connect();
	} catch (error) {
		throw new CopyRefused(`Cannot connect to PostgreSQL: ${(error as Error).message}`);
	}
	// Opening migrates the file to this version, as the app's start does.
	const db = openDatabase(sqlitePath);
	try {
		// Before migrating PostgreSQL: a database in use is refused without being touched.
		await refuseUsed(client);
		await migratePostgres(client);
		const version = await sameVersion(db, client);
		const tables = inForeignKeyOrder(sqliteTables(db));
		await sameSchema(tables, client);
		return await copy(db, client, tables, version, { batchRows, batchBytes, ...options });
	} finally {
		db.close();
		await client.end().catch(() => {});
	}
}

async function count(client: pg.Client, table: string): Promise<number> {
	const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoted(table)}`);
	return rows[0].n;
}

/** Refuses a database that holds users or events, or rows of any table not to be replaced. */
async function refuseUsed(client: pg.Client): Promise<void> {
	const { rows } = await client.query<{ name: string }>(
		`SELECT table_name AS name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	);
	const present = rows.map((row) => row.name);
	// Users and events first: they are what an operator recognises.
	const first = ['user', 'event'].filter((table) => present.includes(table));
	const held: string[] = [];
	for (const table of new Set([...first, ...present])) {
		if (replaceable.has(table) || table === 'migration') continue;
		const n = table === 'event_head' ? await head(client) : await count(client, table);
		if (n > 0) held.push(`${table === 'event_head' ? 'last event id' : table} ${n}`);
	}
	if (held.length > 0) {
		throw new CopyRefused(
			`The PostgreSQL database is not empty (${held.join(', ')}): the copy goes into an ` +
				'empty database only. Nothing was written.'
		);
	}
}

async function head(client: pg.Client): Promise<number> {
	const { rows } = await client.query<{ id: number }>('SELECT last_id AS id FROM event_head');
	return rows[0]?.id ?? 0;
}

/** Both sides at this build's migration version, and nothing beyond it. */
async function sameVersion(db: Db, client: pg.Client): Promise<number> {
	const known = sqliteMigrations.map((m) => m.version).sort((a, b) => a - b);
	if (postgresMigrations.map((m) => m.version).join() !== known.join()) {
		throw new Error('the SQLite and PostgreSQL migration lists differ in this build');
	}
	const version = known.at(-1)!;
	const ofSqlite = (db.prepare('SELECT version FROM migration').pluck().all() as number[]).sort(
		(a, b) => a - b
	);
	const { rows } = await client.query<{ version: number }>(
		'SELECT version FROM migration ORDER BY version'
	);
	const ofPostgres = rows.map((row) => row.version);
	for (const [side, versions] of [
		['The SQLite file', ofSqlite],
		['The PostgreSQL database', ofPostgres]
	] as const) {
		if (versions.join() !== known.join()) {
			throw new CopyRefused(
				`${side} is at migration ${versions.at(-1) ?? 0} (${versions.length} applied), this ` +
					`build at ${version}: run the command of the Tidewatch version that wrote it.`
			);
		}
	}
	return version;
}

/** Every table of the file's schema but SQLite's own and the migration record. */
function sqliteTables(db: Db): Table[] {
	const names = db
		.prepare(
			`SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name != 'migration' ORDER BY name`
		)
		.pluck()
		.all() as string[];
	return names.map((name) => ({
		name,
		columns: (
			db.prepare(`PRAGMA table_info(${quoted(name)})`).all() as { name: string; type: string }[]
		).map((column) => ({ name: column.name, type: column.type.toUpperCase() })),
		references: [
			...new Set(
				(db.prepare(`PRAGMA foreign_key_list(${quoted(name)})`).all() as { table: string }[]).map(
					(fk) => fk.table
				)
			)
		].filter((table) => table !== name)
	}));
}

/** Parents before children, so every row's foreign keys find their rows. */
function inForeignKeyOrder(tables: Table[]): Table[] {
	const byName = new Map(tables.map((table) => [table.name, table]));
	const ordered: Table[] = [];
	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (table: Table) => {
		if (state.get(table.name) === 'done') return;
		if (state.get(table.name) === 'visiting') {
			throw new CopyRefused(`The SQLite schema's foreign keys form a cycle at ${table.name}.`);
		}
		state.set(table.name, 'visiting');
		for (const parent of table.references) {
			const found = byName.get(parent);
			if (found) visit(found);
		}
		state.set(table.name, 'done');
		ordered.push(table);
	};
	for (const table of tables) visit(table);
	return ordered;
}

/** PostgreSQL has every table and column SQLite has, with the same types, and no other table. */
async function sameSchema(tables: Table[], client: pg.Client): Promise<void> {
	const { rows } = await client.query<{ table: string; column: string; type: string }>(
		`SELECT c.table_name AS table, c.column_name AS column, c.data_type AS type
		FROM information_schema.columns AS c JOIN information_schema.tables AS t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`
	);
	const columns = new Map<string, Map<string, string>>();
	for (const row of rows) {
		if (!columns.has(row.table)) columns.set(row.table, new Map());
		columns.get(row.table)!.set(row.column, row.type);
	}
	const differences: string[] = [];
	for (const table of tables) {
		const theirs = columns.get(table.name);
		if (!theirs) {
			differences.push(`PostgreSQL has no table ${table.name}`);
			continue;
		}
		for (const column of table.columns) {
			const type = theirs.get(column.name);
			const want = typeInPostgres[column.type];
			if (type === undefined)
				differences.push(`PostgreSQL has no column ${table.name}.${column.name}`);
			else if (type !== want) {
				differences.push(
					`${table.name}.${column.name} is ${column.type} in SQLite but ${type} in PostgreSQL`
				);
			}
		}
		const ours = new Set(table.columns.map((column) => column.name));
		for (const column of theirs.keys()) {
			if (!ours.has(column)) differences.push(`SQLite has no column ${table.name}.${column}`);
		}
	}
	const copied = new Set(tables.map((table) => table.name));
	for (const table of columns.keys()) {
		if (!copied.has(table) && !postgresOnly.has(table)) {
			differences.push(`SQLite has no table ${table}`);
		}
	}
	if (differences.length > 0) {
		throw new CopyRefused(`The schemas differ, so nothing was copied: ${differences.join('; ')}.`);
	}
}

/** SQLite's AUTOINCREMENT counters: the highest id each table ever handed out. */
function counters(db: Db): Map<string, number> {
	const rows = db.prepare('SELECT name, seq FROM sqlite_sequence').all() as {
		name: string;
		seq: number;
	}[];
	return new Map(rows.map((row) => [row.name, row.seq]));
}

async function copy(
	db: Db,
	client: pg.Client,
	tables: Table[],
	version: number,
	options: Required<Pick<CopyOptions, 'batchRows' | 'batchBytes'>> & CopyOptions
): Promise<CopyReport> {
	const { rows: pgTypes } = await client.query<{ table: string; column: string; type: string }>(
		`SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
		FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped`
	);
	const typeOf = (table: string, column: string) =>
		pgTypes.find((row) => row.table === table && row.column === column)!.type;
	// One read transaction: every table as of one moment, even were the app still writing.
	db.exec('BEGIN');
	await client.query('BEGIN');
	try {
		// Nobody reads a half-copied database, nor writes beside the copy; then, under the lock,
		// the target is checked empty once more.
		await client.query(`SET LOCAL lock_timeout = '10s'`);
		const locked = [...tables.map((t) => t.name), 'event_head', 'session_end'];
		await client.query(`LOCK TABLE ${locked.map(quoted).join(', ')} IN ACCESS EXCLUSIVE MODE`);
		await refuseUsed(client);
		for (const table of tables) {
			if (replaceable.has(table.name)) await client.query(`DELETE FROM ${quoted(table.name)}`);
		}
		const copied: CopyReport['tables'] = [];
		for (const table of tables) {
			const rows = await copyTable(db, client, table, typeOf, options);
			copied.push({ name: table.name, rows });
			options.onTable?.(table.name, rows);
		}
		const sequences = counters(db);
		const lastId = Math.max(
			sequences.get('event') ?? 0,
			(db.prepare('SELECT MAX(id) FROM event').pluck().get() as number | null) ?? 0
		);
		await client.query('UPDATE event_head SET last_id = $1 WHERE id = 1', [lastId]);
		await moveIdentities(client, tables, sequences);
		await check(db, client, copied, lastId);
		await client.query('COMMIT');
		// The planner's statistics, now rather than whenever autovacuum gets to a million rows.
		await client.query('ANALYZE').catch(() => {});
		return { tables: copied, head: lastId, version };
	} catch (error) {
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		db.exec('COMMIT');
	}
}

/** One table, read row by row and written a batch at a time: one array per column, unnested. */
async function copyTable(
	db: Db,
	client: pg.Client,
	table: Table,
	typeOf: (table: string, column: string) => string,
	{ batchRows, batchBytes }: { batchRows: number; batchBytes: number }
): Promise<number> {
	const names = table.columns.map((column) => quoted(column.name));
	const insert =
		`INSERT INTO ${quoted(table.name)} (${names.join(', ')}) SELECT * FROM unnest(` +
		table.columns.map((c, i) => `$${i + 1}::${typeOf(table.name, c.name)}[]`).join(', ') +
		')';
	const read = db.prepare(`SELECT ${names.join(', ')} FROM ${quoted(table.name)}`).raw();
	let batch: unknown[][] = table.columns.map(() => []);
	let rows = 0;
	let size = 0;
	const flush = async () => {
		if (batch[0].length === 0) return;
		try {
			await client.query(insert, batch);
		} catch (error) {
			throw new Error(`copying ${table.name} failed: ${(error as Error).message}`, {
				cause: error
			});
		}
		batch = table.columns.map(() => []);
		size = 0;
	};
	for (const row of read.iterate() as IterableIterator<unknown[]>) {
		for (let i = 0; i < row.length; i++) {
			batch[i].push(row[i]);
			if (typeof row[i] === 'string') size += (row[i] as string).length;
		}
		rows++;
		if (batch[0].length >= batchRows || size >= batchBytes) await flush();
	}
	await flush();
	return rows;
}

/**
 * PostgreSQL's identity columns (the audit trail's and security records' ids) go on after the
 * highest id SQLite ever handed out, so no id is given twice.
 */
async function moveIdentities(
	client: pg.Client,
	tables: Table[],
	sequences: Map<string, number>
): Promise<void> {
	const { rows } = await client.query<{ table: string; column: string }>(
		`SELECT table_name AS table, column_name AS column FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`
	);
	const copied = new Set(tables.map((table) => table.name));
	for (const { table, column } of rows) {
		if (!copied.has(table)) continue;
		const { rows: max } = await client.query<{ id: number | null }>(
			`SELECT MAX(${quoted(column)}) AS id FROM ${quoted(table)}`
		);
		const last = Math.max(sequences.get(table) ?? 0, max[0].id ?? 0);
		await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)`, [
			quoted(table),
			column,
			Math.max(last, 1),
			last > 0
		]);
	}
}

/** Each table holds as many rows as SQLite's, and the head is SQLite's last id. */
async function check(
	db: Db,
	client: pg.Client,
	copied: CopyReport['tables'],
	lastId: number
): Promise<void> {
	const wrong: string[] = [];
	for (const { name, rows } of copied) {
		const inSqlite = db
			.prepare(`SELECT count(*) FROM ${quoted(name)}`)
			.pluck()
			.get() as number;
		const inPostgres = await count(client, name);
		if (inSqlite !== rows || inPostgres !== rows) {
			wrong.push(`${name}: ${inSqlite} in SQLite, ${rows} read, ${inPostgres} in PostgreSQL`);
		}
	}
	const copiedHead = await head(client);
	if (copiedHead !== lastId) wrong.push(`event head ${copiedHead}, not ${lastId}`);
	if (wrong.length > 0) {
		throw new Error(`The copy does not match, so nothing was committed: ${wrong.join('; ')}.`);
	}
}
