import Database from 'better-sqlite3';
import type { Db } from './open';

/**
 * SQLite's online backup: a consistent copy, page by page, while changes go on (a write during
 * the copy makes SQLite start again from a fresh snapshot). The copy is checked before it counts.
 */
export async function backupDatabase(db: Db, toPath: string): Promise<{ pages: number }> {
	const { totalPages } = await db.backup(toPath);
	const copy = new Database(toPath, { readonly: true, fileMustExist: true });
	try {
		const check = copy.pragma('integrity_check', { simple: true });
		if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${check}`);
	} finally {
		copy.close();
	}
	return { pages: totalPages };
}
