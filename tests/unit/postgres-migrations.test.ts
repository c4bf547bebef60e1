import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrations } from '$lib/server/storage/postgres/migrations';
import { types } from '$lib/server/storage/postgres/postgres-sql';
import { openDatabase } from '$lib/server/storage/sqlite/open';
import { emptyDatabase, type FreshDatabase } from '../helpers/postgres';

/** PostgreSQL's schema against SQLite's: one list of migrations each, under the same numbers. */

const opened: { client: pg.Client; database: FreshDatabase }[] = [];
afterEach(async () => {
	for (const { client, database } of opened.splice(0)) {
		await client.end();
		await database.release();
	}
});

async function connect(): Promise<pg.Client> {
	const database = await emptyDatabase();
	const client = new pg.Client({ connectionString: database.url, types });
	await client.connect();
	opened.push({ client, database });
	return client;
}

describe('PostgreSQL migrations', () => {
	it('have the same tables and columns as SQLite, under the same numbers; texts in C order, numbers bigint', async () => {
		const client = await connect();
		expect(await migrate(client)).toEqual(migrations.map((m) => m.version));
		const { rows } = await client.query<{
			table_name: string;
			column_name: string;
			data_type: string;
			collation_name: string | null;
		}>(`SELECT table_name, column_name, data_type, collation_name
			FROM information_schema.columns WHERE table_schema = 'public'`);
		const columnsOf = (table: string) =>
			rows
				.filter((row) => row.table_name === table)
				.map((row) => row.column_name)
				.sort();

		const sqlite = openDatabase(':memory:');
		const sqliteTables = sqlite
			.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'sqlite_sequence'")
			.pluck()
			.all() as string[];
		for (const table of sqliteTables) {
			const columns = (
				sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]
			).sort();
			expect({ table, columns: columnsOf(table) }).toEqual({ table, columns });
		}
		// Only what the log needs with several writers is PostgreSQL's own.
		const own = [...new Set(rows.map((row) => row.table_name))].filter(
			(table) => !sqliteTables.includes(table)
		);
		expect(own.sort()).toEqual(['event_head', 'session_end']);
		sqlite.close();

		for (const row of rows) {
			if (row.data_type === 'text')
				expect({ ...row, collation_name: row.collation_name }).toEqual({
					...row,
					collation_name: 'C'
				});
			else expect({ ...row, data_type: row.data_type }).toEqual({ ...row, data_type: 'bigint' });
		}
	});

	it('a restart applies nothing again and keeps the data', async () => {
		const client = await connect();
		await migrate(client);
		await client.query(
			`INSERT INTO "user" (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)`
		);
		expect(await migrate(client)).toEqual([]);
		expect((await client.query('SELECT name FROM "user"')).rows).toEqual([{ name: 'a' }]);
	});

	it('an instance that had users before the setup page counts as set up; an empty one does not', async () => {
		const settingsRow = `INSERT INTO settings (id, name, time_zone, registration)
			VALUES (1, 'Fest', 'Europe/Berlin', 'open')`;
		const used = await connect();
		await migrate(
			used,
			migrations.filter((m) => m.version < 12)
		);
		await used.query(settingsRow);
		await used.query(
			`INSERT INTO "user" (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)`
		);
		await migrate(used);
		expect((await used.query('SELECT set_up_at FROM settings')).rows[0].set_up_at).toEqual(
			expect.any(Number)
		);
		const empty = await connect();
		await migrate(
			empty,
			migrations.filter((m) => m.version < 12)
		);
		await empty.query(settingsRow);
		await migrate(empty);
		expect((await empty.query('SELECT set_up_at FROM settings')).rows[0].set_up_at).toBeNull();
	});

	it('the day start is HH:MM no later than noon, and a calendar feed takes its version with it', async () => {
		const client = await connect();
		await migrate(client);
		const settings = (dayStartsAt: string) =>
			client.query(
				`INSERT INTO settings (id, name, time_zone, registration, day_starts_at)
				VALUES (1, 'Fest', 'UTC', 'open', $1) ON CONFLICT (id) DO UPDATE SET day_starts_at = $1`,
				[dayStartsAt]
			);
		await settings('06:30');
		await settings('12:00');
		for (const bad of ['12:01', '6:30', '06:60', '24:00', '06:30 ', 'x06:30']) {
			await expect(settings(bad)).rejects.toThrow(/check constraint/);
		}
		await client.query(
			`INSERT INTO "user" (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'regular', 1)`
		);
		await client.query(
			`INSERT INTO calendar_feed (user_id, token_hash, created_at, changed_at) VALUES ('u', 't', 1, 1)`
		);
		await client.query(
			`INSERT INTO feed_version (name, etag, last_modified) VALUES ('calendar u', 'e', 1), ('schedule', 'e', 1)`
		);
		// Deleting the user cascades to the feed, whose trigger removes its version.
		await client.query(`DELETE FROM "user"`);
		expect((await client.query('SELECT name FROM feed_version')).rows).toEqual([
			{ name: 'schedule' }
		]);
	});
});
