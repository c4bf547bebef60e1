import Database from 'better-sqlite3';
import { closeSync, openSync, rmSync } from 'node:fs';
import type { Db } from './open';

/**
 * SQLite's online backup: a consistent copy, page by page, while changes go on (a write from
 * another process during the copy makes SQLite start again from a fresh snapshot). The copy is
 * checked before it counts; a failed one is removed.
 */
export async function backupDatabase(db: Db, toPath: string): Promise<{ pages: number }> {
	// Created first, readable by the owner only, as the database is (open.ts): it holds the same
	// password hashes and sessions. 'wx' refuses a file that exists, whatever was checked before.
	closeSync(openSync(toPath, 'wx', 0o600));
	try {
		const { totalPages } = await db.backup(toPath);
		const copy = new Database(toPath, { readonly: true, fileMustExist: true });
		try {
			const check = copy.pragma('integrity_check', { simple: true });
			if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${check}`);
		} finally {
			copy.close();
		}
		return { pages: totalPages };
	} catch (error) {
		for (const suffix of ['', '-wal', '-shm']) rmSync(toPath + suffix, { force: true });
		throw error;
	}
}
