import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A fresh, empty, migrated database of the run's cluster (tests/helpers/postgres-cluster.ts),
 * copied from its template, and its URL. `drop` ends every connection still open to it.
 */
export interface FreshDatabase {
	url: string;
	name: string;
	drop(): Promise<void>;
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: inject('postgres').adminUrl });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

export async function freshDatabase(): Promise<FreshDatabase> {
	const { host, port, template } = inject('postgres');
	const name = `tidewatch_${randomBytes(6).toString('hex')}`;
	await asAdmin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
	return {
		url: `postgres://postgres@${host}:${port}/${name}`,
		name,
		drop: () =>
			asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
				() => {}
			)
	};
}

/** An empty database, not even migrated: for the migrations' own tests. */
export async function emptyDatabase(): Promise<FreshDatabase> {
	const { host, port } = inject('postgres');
	const name = `tidewatch_${randomBytes(6).toString('hex')}`;
	await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
	return {
		url: `postgres://postgres@${host}:${port}/${name}`,
		name,
		drop: () =>
			asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
				() => {}
			)
	};
}
