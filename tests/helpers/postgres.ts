import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { findBinaries } from './postgres-cluster';

/**
 * A fresh, empty, migrated database of the run's cluster (tests/helpers/postgres-cluster.ts),
 * and its URL. `release` once nothing is connected to it any more: it is emptied and handed to
 * the next test of the same file, which is quicker than copying the template again (a copy
 * costs a few hundred milliseconds on a loaded machine; emptying, a few dozen).
 */
export interface FreshDatabase {
	url: string;
	name: string;
	release(): Promise<void>;
}

const spare: string[] = [];

function urlOf(name: string): string {
	const { host, port } = inject('postgres');
	return `postgres://postgres@${host}:${port}/${name}`;
}

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

const asAdmin = <T>(work: (client: pg.Client) => Promise<T>) =>
	connected(inject('postgres').adminUrl, work);

const newName = () => `tidewatch_${randomBytes(6).toString('hex')}`;

/**
 * Every row gone but the migrations', the head back at 0, every counter restarted. DELETE, not
 * TRUNCATE: on a few rows it is ten times quicker (TRUNCATE makes new files for every table and
 * index). Foreign keys are not checked meanwhile: every table is emptied.
 */
async function empty(name: string): Promise<void> {
	await connected(urlOf(name), async (client) => {
		// A test that left a connection open holding a lock: drop the database instead.
		await client.query(`SET lock_timeout = '2s'`);
		const { rows } = await client.query<{ tablename: string }>(
			`SELECT tablename FROM pg_tables WHERE schemaname = 'public'
			AND tablename NOT IN ('migration', 'event_head')`
		);
		const sequences = await client.query<{ name: string }>(
			`SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public'`
		);
		await client.query(
			[
				'BEGIN',
				'SET LOCAL session_replication_role = replica',
				...rows.map((row) => `DELETE FROM "${row.tablename}"`),
				...sequences.rows.map((row) => `SELECT setval('"${row.name}"', 1, false)`),
				'UPDATE event_head SET last_id = 0',
				'COMMIT'
			].join(';\n')
		);
	});
}

async function drop(name: string): Promise<void> {
	await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function freshDatabase(): Promise<FreshDatabase> {
	let name = spare.pop();
	if (!name) {
		name = newName();
		const { template } = inject('postgres');
		await asAdmin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
	}
	const held = name;
	return {
		url: urlOf(held),
		name: held,
		release: async () => {
			try {
				await empty(held);
				spare.push(held);
			} catch {
				await drop(held);
			}
		}
	};
}

/** An empty database, not even migrated (the migrations' own tests); dropped on release. */
export async function emptyDatabase(): Promise<FreshDatabase> {
	const name = newName();
	await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
	return { url: urlOf(name), name, release: () => drop(name) };
}

/**
 * A query answered synchronously, as a test reads a SQLite file: through `psql`, its rows as
 * JSON. `?` placeholders become psql variables, each bound as a quoted literal that PostgreSQL
 * reads as the column's type.
 */
export function queryNow<T>(url: string, sql: string, params: unknown[]): T[] {
	let n = 0;
	const text = sql.replace(/\?/g, () => `:'p${++n}'`);
	const variables = params.flatMap((value, i) => ['-v', `p${i + 1}=${String(value)}`]);
	const result = spawnSync(
		join(findBinaries(), 'psql'),
		[url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...variables, '-f', '-'],
		{ input: `SELECT coalesce(json_agg(row), '[]') FROM (${text}) AS row;`, encoding: 'utf8' }
	);
	if (result.status !== 0) throw new Error(`psql: ${result.stderr}\n${sql}`);
	return JSON.parse(result.stdout) as T[];
}
