import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { logEntries, serverForSuite, startServer, type TestServer } from '../helpers/server';
import { connectStream } from '../helpers/stream';

const root = resolve(import.meta.dirname, '../..');

async function health(server: TestServer) {
	const response = await fetch(`${server.url}/api/health`);
	return { status: response.status, body: await response.json() };
}

describe('the health endpoint', () => {
	const server = serverForSuite();

	it('answers 200 without a session, with the number of open streams and the newest event id', async () => {
		const before = await health(server);
		expect(before).toEqual({
			status: 200,
			body: { status: 'ok', streams: 0, lastEventId: expect.any(Number) }
		});
		const client = new Client(server.url);
		expect((await client.register('Probe')).status).toBe(201);
		const streams = [await connectStream(server), await connectStream(server)];
		const during = await health(server);
		expect(during.body.streams).toBe(2);
		expect(during.body.lastEventId).toBeGreaterThan(before.body.lastEventId);
		for (const stream of streams) {
			stream.close();
			await stream.closed;
		}
		await expect.poll(async () => (await health(server)).body.streams).toBe(0);
	});

	it('answers 503 when the database cannot be read, and an unexpected error is logged with its stack', async () => {
		const broken = await startServer();
		try {
			expect((await health(broken)).status).toBe(200);
			const client = new Client(broken.url);
			expect((await client.register('Breaker')).status).toBe(201);
			// Another process breaks the file under the server: the table it reads is gone.
			const db = new Database(broken.dbPath);
			db.exec('DROP TABLE event');
			db.close();
			const after = await health(broken);
			expect(after.status).toBe(503);
			expect(after.body).toMatchObject({ status: 'unavailable' });

			// A change cannot write its event: a 500, and the log says what and where.
			const rename = await client.json('/api/auth/account', 'PATCH', { name: 'Broken' });
			expect(rename.status).toBe(500);
			await expect
				.poll(() => logEntries(broken).find((entry) => entry.event === 'error'))
				.toMatchObject({
					level: 50,
					method: 'PATCH',
					path: '/api/auth/account',
					err: { message: expect.stringContaining('no such table'), stack: expect.any(String) }
				});
		} finally {
			await broken.close();
		}
	});
});

describe('the server log', () => {
	const server = serverForSuite({ STREAM_HEARTBEAT_SECONDS: '45', LOG_LEVEL: 'info' });

	it('says at start-up where it listens, which database, and which settings differ from the defaults', async () => {
		// Logged once listening, just after adapter-node's own "Listening on" line.
		await expect
			.poll(() => logEntries(server).some((entry) => entry.event === 'started'))
			.toBe(true);
		const started = logEntries(server).find((entry) => entry.event === 'started');
		expect(started).toMatchObject({
			level: 30,
			listen: server.url,
			database: server.dbPath,
			settings: expect.objectContaining({ STREAM_HEARTBEAT_SECONDS: 45, PORT: server.port })
		});
		// Defaults are left out.
		expect(started!.settings).not.toHaveProperty('SESSION_ROTATE_SECONDS');
	});

	it('logs logins, failed logins and rate-limit hits with user and address, and never a password or token', async () => {
		const limited = await startServer({
			RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS: '2'
		});
		try {
			const owner = new Client(limited.url);
			expect((await owner.register('Logger', 'secret-password-1')).status).toBe(201);
			expect((await owner.login('Logger', 'secret-password-1')).status).toBe(200);
			const guesser = new Client(limited.url);
			for (let i = 0; i < 2; i++) await guesser.login('Logger', 'wrong-guess-99');
			expect((await guesser.login('Logger', 'wrong-guess-99')).status).toBe(429);

			await expect
				.poll(() => logEntries(limited).some((e) => e.event === 'rate-limited'))
				.toBe(true);
			const entries = logEntries(limited);
			const userId = limited.query<{ id: string }>('SELECT id FROM "user"')[0].id;
			expect(entries.filter((e) => e.event === 'login')).toEqual([
				expect.objectContaining({ userId, name: 'Logger', address: '127.0.0.1' }),
				expect.objectContaining({ userId, name: 'Logger', address: '127.0.0.1' })
			]);
			expect(entries.filter((e) => e.event === 'login-failed')).toHaveLength(2);
			expect(entries.find((e) => e.event === 'rate-limited')).toMatchObject({
				level: 40,
				limit: 'failed logins',
				name: 'logger',
				address: '127.0.0.1'
			});
			const output = limited.output();
			expect(output).not.toContain('secret-password-1');
			expect(output).not.toContain('wrong-guess-99');
			const token = owner.cookieHeader.split('=')[1];
			expect(output).not.toContain(token);
		} finally {
			await limited.close();
		}
	});
});

describe('a port in use', () => {
	it('stops with one clear line and a non-zero code, and creates nothing', async () => {
		const taken = createServer();
		taken.listen(0, '127.0.0.1');
		await once(taken, 'listening');
		const { port } = taken.address() as { port: number };
		const dir = mkdtempSync(join(tmpdir(), 'tidewatch-port-'));
		const dataDir = join(dir, 'data');
		try {
			const child = spawn(process.execPath, ['server.js'], {
				cwd: root,
				env: {
					...process.env,
					NODE_ENV: 'production',
					HOST: '127.0.0.1',
					PORT: String(port),
					DATABASE_PATH: join(dataDir, 'tidewatch.db')
				},
				stdio: ['ignore', 'pipe', 'pipe']
			});
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			const [code] = (await once(child, 'exit')) as [number | null];
			expect(code).not.toBe(0);
			expect(code).not.toBeNull();
			expect(output.trim()).toBe(
				`Tidewatch cannot start: port ${port} on 127.0.0.1 is already in use (set PORT)`
			);
			expect(existsSync(dataDir)).toBe(false);
		} finally {
			taken.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
