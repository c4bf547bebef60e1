import { randomBytes } from 'node:crypto';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import pg from 'pg';
import { inject } from 'vitest';

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

/** `work` on a connection of its own to `url`, closed after. */
export async function inDatabase<T>(
	url: string,
	work: (client: pg.Client) => Promise<T>
): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

const asAdmin = <T>(work: (client: pg.Client) => Promise<T>) =>
	inDatabase(inject('postgres').adminUrl, work);

const newName = () => `tidewatch_${randomBytes(6).toString('hex')}`;

/**
 * Every row gone but the migrations', the head back at 0, every counter restarted. DELETE, not
 * TRUNCATE: on a few rows it is ten times quicker (TRUNCATE makes new files for every table and
 * index). Foreign keys are not checked meanwhile: every table is emptied.
 */
export async function emptyTables(url: string): Promise<void> {
	await inDatabase(url, async (client) => {
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
				await emptyTables(urlOf(held));
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

// A worker holds a connection per database and answers one query at a time; the test's thread
// waits for it on a shared flag, so a test reads PostgreSQL as synchronously as a SQLite file.
const worker = `
const { parentPort, workerData } = require('node:worker_threads');
const pg = require('pg');
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);
const { flag, port } = workerData;
const clients = new Map();
function clientOf(url) {
	let ready = clients.get(url);
	if (!ready) {
		const client = new pg.Client({ connectionString: url });
		client.on('error', () => clients.delete(url));
		ready = client.connect().then(() => client);
		clients.set(url, ready);
	}
	return ready;
}
parentPort.on('message', async ({ url, text, params, paramLists }) => {
	try {
		const client = await clientOf(url);
		if (paramLists) {
			try {
				await client.query('BEGIN');
				for (const list of paramLists) await client.query(text, list);
				await client.query('COMMIT');
			} catch (error) {
				await client.query('ROLLBACK');
				throw error;
			}
			port.postMessage({ rows: [] });
		} else port.postMessage({ rows: (await client.query(text, params)).rows });
	} catch (error) {
		clients.get(url)?.then((client) => client.end()).catch(() => {});
		clients.delete(url);
		port.postMessage({ error: String(error && error.message) });
	}
	Atomics.store(flag, 0, 1);
	Atomics.notify(flag, 0);
});
`;

let querier: { worker: Worker; flag: Int32Array; port: MessagePort } | null = null;

function startQuerier() {
	const flag = new Int32Array(new SharedArrayBuffer(4));
	const { port1, port2 } = new MessageChannel();
	const thread = new Worker(worker, {
		eval: true,
		workerData: { flag, port: port2 },
		transferList: [port2]
	});
	thread.unref();
	return (querier = { worker: thread, flag, port: port1 });
}

/**
 * A query answered synchronously, as a test reads a SQLite file, in the SQL both databases
 * speak with `?` placeholders.
 */
export function queryNow<T>(url: string, sql: string, params: unknown[]): T[] {
	return answerNow<T>(url, sql, { params });
}

/** `sql` once per parameter list, in one transaction, done when this returns. */
export function writeNow(url: string, sql: string, paramLists: unknown[][]): void {
	answerNow(url, sql, { paramLists });
}

function answerNow<T>(url: string, sql: string, args: object): T[] {
	const { worker: thread, flag, port } = querier ?? startQuerier();
	let n = 0;
	const text = sql.replace(/\?/g, () => `$${++n}`);
	Atomics.store(flag, 0, 0);
	thread.postMessage({ url, text, ...args });
	if (Atomics.wait(flag, 0, 0, 30_000) === 'timed-out') throw new Error(`no answer to ${sql}`);
	const answer = receiveMessageOnPort(port)?.message as { rows?: T[]; error?: string };
	if (!answer?.rows) throw new Error(`${answer?.error ?? 'no answer'}\n${sql}`);
	return answer.rows;
}
