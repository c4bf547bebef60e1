import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * The build the tests run (server.js's BUILD_DIR): their own, written by `npm run build:test`, so
 * that `npm test` never replaces the `build/` that a running `npm start` serves.
 */
export const testBuildDir = join(root, 'build-test');

export function assertTestBuild(): void {
	// commands.js: a build-test/ from before the commands were bundled lacks it.
	if (
		!existsSync(join(testBuildDir, 'index.js')) ||
		!existsSync(join(testBuildDir, 'commands.js'))
	) {
		throw new Error('build-test/ is missing: run `npm run build:test` before these tests');
	}
}

/** A copy of the test build that a test may change (remove a built file); its BUILD_DIR. */
export function copyTestBuild(): { buildDir: string; remove(): void } {
	assertTestBuild();
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-build-'));
	const buildDir = join(dir, 'build');
	cpSync(testBuildDir, buildDir, { recursive: true });
	// Its imports (better-sqlite3, ws…) are found in the folder above, as the repository's are.
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
	return { buildDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
