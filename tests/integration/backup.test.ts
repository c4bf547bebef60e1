import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { lastEventId, openStream, renameMany } from '../helpers/stream';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'tidewatch-backup-'));
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
	rmSync(dir, { recursive: true, force: true });
});

/** Runs the backup command without blocking this process, so the writes really go on meanwhile. */
function backup(
	target: string
): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((done) => {
		const child = spawn('npm', ['run', '--silent', 'backup', '--', target], {
			env: { ...process.env, DATABASE_PATH: server.dbPath }
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (status) => done({ status, stdout, stderr }));
	});
}

describe('backups', () => {
	it('npm run backup copies the live database consistently, while it is written, and the copy restores', async () => {
		const admin = new Client(server.url);
		await admin.register('Keeper');
		for (const name of ['Ann', 'Bob', 'Cyd']) await new Client(server.url).register(name);
		await renameMany(admin, 50, { name: (i) => `Keeper-${i}` });

		// Writes go on while the copy is taken.
		let writing = true;
		const writer = (async () => {
			let i = 0;
			while (writing) await admin.json('/api/auth/account', 'PATCH', { name: `Busy-${i++}` });
		})();
		const target = join(dir, 'copy.db');
		const result = await backup(target);
		writing = false;
		await writer;
		expect(result.status, result.stderr).toBe(0);
		expect(result.stdout).toContain('Backed up');
		// It holds what the database holds (password hashes, sessions): readable by its owner only.
		expect(statSync(target).mode & 0o777).toBe(0o600);

		const copy = new Database(target, { readonly: true });
		expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
		const copiedEvents = copy.prepare('SELECT id, type, data FROM event ORDER BY id').all() as {
			id: number;
		}[];
		const copiedUsers = copy.prepare('SELECT id, name FROM "user" ORDER BY id').all() as {
			name: string;
		}[];
		copy.close();
		// A consistent snapshot: every event up to its head and nothing after, with the users as of then.
		const live = server.query<{ id: number; type: string; data: string }>(
			'SELECT id, type, data FROM event WHERE id <= ? ORDER BY id',
			copiedEvents.at(-1)!.id
		);
		expect(copiedEvents).toEqual(live);
		expect(copiedEvents.map((e) => e.id)).toEqual(copiedEvents.map((_, i) => i + 1));
		expect(copiedUsers.map((u) => u.name).sort()).toEqual(
			expect.arrayContaining(['Ann', 'Bob', 'Cyd'])
		);
		expect(copiedUsers).toHaveLength(4);

		// Restore: a server on the copy knows every user and event.
		const restored = await startServer({ DATABASE_PATH: target });
		try {
			expect(await lastEventId(restored)).toBe(copiedEvents.at(-1)!.id);
			const reader = new Client(restored.url);
			expect((await reader.login('Ann')).status).toBe(200);
			const users = (await (await reader.fetch('/api/users')).json()) as { name: string }[];
			expect(users.map((u) => u.name).sort()).toEqual(copiedUsers.map((u) => u.name).sort());
			// A browser still holding the live server's newer cursor is told to resync, never left with a gap.
			await renameMany(admin, 5, { name: (i) => `Later-${i}` });
			const liveHead = await lastEventId(server);
			expect(liveHead).toBeGreaterThan(await lastEventId(restored));
			const stream = openStream(restored, { lastEventId: liveHead });
			expect(await stream.closed).toEqual({ code: 4002, reason: 'resync' });
			expect(stream.messages.at(-1)).toEqual({ type: 'resync' });
		} finally {
			await restored.close();
		}
	});

	it('refuses to overwrite a file and says how to use it', async () => {
		const target = join(dir, 'copy.db');
		const again = await backup(target);
		expect(again.status).toBe(1);
		expect(again.stderr).toContain('Not overwriting');
		const usage = spawnSync('node', ['scripts/command.js', 'backup'], { encoding: 'utf8' });
		expect(usage.status).toBe(2);
		expect(usage.stderr).toContain('Usage: npm run backup -- <file>');
	});

	it('without a build, the commands say to build first', () => {
		const run = spawnSync('node', ['scripts/command.js', 'backup', join(dir, 'never.db')], {
			encoding: 'utf8',
			env: { ...process.env, BUILD_DIR: dir, DATABASE_PATH: server.dbPath }
		});
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('commands.js: run `npm run build` first.');
	});
});
