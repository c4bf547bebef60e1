import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '$lib/server/storage/sqlite/open';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-files-'));
	dirs.push(dir);
	return dir;
}

describe('the database file and its folder', () => {
	it('are created readable by the owner only, the -wal and -shm files too', () => {
		const folder = join(tempDir(), 'data');
		const path = join(folder, 'tidewatch.db');
		const db = openDatabase(path);
		db.prepare(
			"INSERT INTO user (id, name, password_hash, type, created_at) VALUES ('u', 'a', 'h', 'admin', 1)"
		).run();
		expect(modeOf(folder)).toBe(0o700);
		expect(modeOf(path)).toBe(0o600);
		expect(modeOf(path + '-wal')).toBe(0o600);
		expect(modeOf(path + '-shm')).toBe(0o600);
		db.close();
	});

	it('an existing folder keeps the mode its owner gave it', () => {
		const folder = join(tempDir(), 'shared');
		mkdirSync(folder, { mode: 0o755 });
		const db = openDatabase(join(folder, 'tidewatch.db'));
		expect(modeOf(folder)).toBe(0o755);
		expect(modeOf(join(folder, 'tidewatch.db'))).toBe(0o600);
		db.close();
	});
});
