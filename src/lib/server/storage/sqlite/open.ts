import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations';

export type Db = Database.Database;

/**
 * Creates the database's folder and file readable by the owner only: they hold password hashes
 * and every user's sessions. SQLite gives its -wal and -shm files the mode of the database
 * file. An existing folder or file keeps the mode its owner gave it.
 */
function createPrivately(path: string): void {
	mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
	if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

/** Opens (creating its folder) and migrates a database; ':memory:' gives a private one. */
export function openDatabase(path: string): Db {
	if (path !== ':memory:') createPrivately(path);
	const db = new Database(path);
	db.pragma('journal_mode = WAL');
	// NORMAL in WAL mode survives a process crash; only a power loss can drop the last commits.
	db.pragma('synchronous = NORMAL');
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	migrate(db);
	return db;
}
