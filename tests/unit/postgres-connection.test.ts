import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberPlaceholders, postgresSql, types } from '$lib/server/storage/postgres/postgres-sql';
import { findBinaries } from '../helpers/postgres-cluster';
import { freshDatabase, type FreshDatabase } from '../helpers/postgres';

describe("the records' connection on PostgreSQL", () => {
	let database: FreshDatabase;
	let pool: pg.Pool;
	beforeAll(async () => {
		database = await freshDatabase();
		pool = new pg.Pool({ connectionString: database.url, types, max: 2 });
	});
	afterAll(async () => {
		await pool.end();
		await database.release();
	});

	it('numbers the placeholders, but not a ? inside a string, a quoted name or a comment', () => {
		expect(
			numberPlaceholders(`SELECT '?' AS "a?", ? -- what?\nFROM t WHERE x = ? AND y IN (?, ?)`)
		).toBe(`SELECT '?' AS "a?", $1 -- what?\nFROM t WHERE x = $2 AND y IN ($3, $4)`);
	});

	it('answers times, ids and counts as numbers, and how many rows a write changed', async () => {
		const sql = postgresSql(pool);
		const time = 1_767_225_600_123;
		await sql.run(
			`INSERT INTO location (id, name, created_at) VALUES (?, ?, ?), (?, ?, ?)`,
			'l1',
			'Hall',
			time,
			'l2',
			'Tent',
			time + 1
		);
		expect(await sql.value('SELECT created_at FROM location WHERE id = ?', 'l1')).toBe(time);
		expect(await sql.value('SELECT COUNT(*) FROM location')).toBe(2);
		expect(await sql.value('SELECT SUM(created_at) FROM location')).toBe(2 * time + 1);
		expect(await sql.values('SELECT id FROM location ORDER BY id')).toEqual(['l1', 'l2']);
		expect(await sql.get('SELECT id, name FROM location WHERE id = ?', 'l2')).toEqual({
			id: 'l2',
			name: 'Tent'
		});
		expect(await sql.get('SELECT id FROM location WHERE id = ?', 'none')).toBeUndefined();
		expect(await sql.value('SELECT id FROM location WHERE id = ?', 'none')).toBeUndefined();
		expect(await sql.run('UPDATE location SET description = ?', 'x')).toBe(2);
	});

	it('sorts and folds text as SQLite does: by its bytes, ASCII case only', async () => {
		const sql = postgresSql(pool);
		await sql.run(
			`INSERT INTO location (id, name, created_at) VALUES ('a', 'b', 1), ('B', 'Ä', 1), ('_', 'ä', 1)`
		);
		expect(
			await sql.values(`SELECT id FROM location WHERE id IN ('a', 'B', '_') ORDER BY id`)
		).toEqual(['B', '_', 'a']);
		expect(
			await sql.values(`SELECT lower(name) FROM location WHERE id IN ('B', '_') ORDER BY id`)
		).toEqual(['Ä', 'ä']);
	});

	it('refuses a second user whose name differs only in ASCII case', async () => {
		const sql = postgresSql(pool);
		const insert = `INSERT INTO "user" (id, name, password_hash, type, created_at) VALUES (?, ?, 'h', 'regular', 1)`;
		await sql.run(insert, 'u1', 'Ada');
		await expect(sql.run(insert, 'u2', 'ADA')).rejects.toThrow(/unique/);
		await sql.run(insert, 'u3', 'Äda');
		await expect(sql.run(insert, 'u4', 'äda')).resolves.toBe(1);
	});
});

describe('the test cluster', () => {
	it('fails, saying what to install, when PostgreSQL is missing', () => {
		const before = process.env.PG_BIN;
		process.env.PG_BIN = '/nonexistent';
		try {
			expect(() => findBinaries()).toThrow(/apt-get install postgresql/);
		} finally {
			if (before === undefined) delete process.env.PG_BIN;
			else process.env.PG_BIN = before;
		}
	});
});
