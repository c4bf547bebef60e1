import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '$lib/server/storage/sqlite/open';
import { migrate, migrations } from '$lib/server/storage/sqlite/migrations';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
	it('apply every migration once, in order, and record each', () => {
		const db = openDatabase(':memory:');
		const recorded = db.prepare('SELECT version FROM migration ORDER BY version').pluck().all();
		expect(recorded).toEqual(migrations.map((m) => m.version));
		const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
		expect(tables).toEqual(expect.arrayContaining(['user', 'session', 'event', 'security_record']));
	});

	it('a restart on an existing file applies nothing again and keeps the data', () => {
		const dir = mkdtempSync(join(tmpdir(), 'tidewatch-'));
		dirs.push(dir);
		const path = join(dir, 'nested', 'db.sqlite');
		const first = openDatabase(path);
		first
			.prepare(
				"INSERT INTO user (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)"
			)
			.run();
		first.close();
		const second = openDatabase(path);
		expect(migrate(second)).toEqual([]);
		expect(second.prepare('SELECT name FROM user').pluck().all()).toEqual(['a']);
		expect(second.pragma('journal_mode', { simple: true })).toBe('wal');
		expect(second.pragma('foreign_keys', { simple: true })).toBe(1);
		expect(second.pragma('busy_timeout', { simple: true })).toBe(5000);
		second.close();
	});

	it('an instance that had users before the setup page counts as set up; an empty one does not', () => {
		const settingsRow = `INSERT INTO settings (id, name, time_zone, registration)
			VALUES (1, 'Fest', 'Europe/Berlin', 'open')`;
		const used = new Database(':memory:');
		migrate(
			used,
			migrations.filter((m) => m.version < 12)
		);
		used.exec(settingsRow);
		used
			.prepare(
				"INSERT INTO user (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)"
			)
			.run();
		migrate(used);
		expect(used.prepare('SELECT set_up_at FROM settings').pluck().get()).toEqual(
			expect.any(Number)
		);
		const empty = new Database(':memory:');
		migrate(
			empty,
			migrations.filter((m) => m.version < 12)
		);
		empty.exec(settingsRow);
		migrate(empty);
		expect(empty.prepare('SELECT set_up_at FROM settings').pluck().get()).toBeNull();
	});

	it('audit rows written before quoted text existed have the user agent and former name moved out of their words', () => {
		const db = new Database(':memory:');
		migrate(
			db,
			migrations.filter((m) => m.version < 9)
		);
		const insert = db.prepare(
			"INSERT INTO audit (at, action, target_id, target_name, detail) VALUES (1, ?, 't', 'T', ?)"
		);
		insert.run('session-taken', 'Mozilla/5.0 "admin promoted"');
		insert.run('user-rename', 'from Old Name');
		insert.run('user-type', 'regular to crew');
		migrate(db);
		expect(db.prepare('SELECT action, detail, quoted FROM audit ORDER BY id').all()).toEqual([
			{ action: 'session-taken', detail: '', quoted: 'Mozilla/5.0 "admin promoted"' },
			{ action: 'user-rename', detail: '', quoted: 'Old Name' },
			{ action: 'user-type', detail: 'regular to crew', quoted: null }
		]);
	});

	it('a failing migration leaves no trace and is not recorded', () => {
		const db = new Database(':memory:');
		const broken = [
			{ version: 1, name: 'ok', sql: 'CREATE TABLE a (x)' },
			{ version: 2, name: 'broken', sql: 'CREATE TABLE b (x); CREATE TABLE a (x)' }
		];
		expect(() => migrate(db, broken)).toThrow();
		const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
		expect(tables).not.toContain('b');
		expect(db.prepare('SELECT version FROM migration').pluck().all()).toEqual([1]);
	});

	it('user names are unique ignoring case', () => {
		const db = openDatabase(':memory:');
		const insert = db.prepare(
			"INSERT INTO user (id, name, password_hash, type, created_at) VALUES (?, ?, 'h', 'regular', 1)"
		);
		insert.run('1', 'Alice');
		expect(() => insert.run('2', 'aLICE')).toThrow(/UNIQUE/);
	});
});
