// `npm run backup -- <file>`: a consistent copy of the live database, taken with SQLite's online
// backup while the app keeps running (WAL lets it write meanwhile).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

const target = process.argv[2];
const source = process.env.DATABASE_PATH || './data/tidewatch.db';

if (!target) {
	console.error('Usage: npm run backup -- <file>');
	process.exit(2);
}
if (existsSync(target)) {
	console.error(`Not overwriting ${target}: it exists.`);
	process.exit(1);
}
if (source === ':memory:' || !existsSync(source)) {
	console.error(`No database at ${source} (set DATABASE_PATH).`);
	process.exit(1);
}

const db = new Database(source, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
try {
	const { totalPages } = await db.backup(target);
	const copy = new Database(target, { readonly: true });
	const check = copy.pragma('integrity_check', { simple: true });
	copy.close();
	if (check !== 'ok') throw new Error(`the copy failed its integrity check: ${check}`);
	console.log(`Backed up ${source} to ${target} (${totalPages} pages).`);
} catch (error) {
	console.error(`Backup failed: ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
} finally {
	db.close();
}
