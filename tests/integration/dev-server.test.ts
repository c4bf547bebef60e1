import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { freePort, type TestServer } from '../helpers/server';
import { connectStream, processFdTargets } from '../helpers/stream';

// `npm run dev`: the stream rides on Vite's own HTTP server through the plugin in vite.config.ts.
const root = resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'tidewatch-dev-'));
const dbPath = join(dir, 'dev.db');

beforeAll(async () => {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	child = spawn(
		process.execPath,
		[
			join(root, 'node_modules/vite/bin/vite.js'),
			'dev',
			'--host',
			'127.0.0.1',
			'--port',
			String(port),
			'--strictPort'
		],
		{
			cwd: root,
			// CI=true makes Vite colour its output, which would split the URL we wait for.
			env: { ...process.env, DATABASE_PATH: dbPath, NO_COLOR: '1' },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let log = '';
	await new Promise<void>((ready, fail) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			// eslint-disable-next-line no-control-regex -- strips ANSI colour codes
			log += chunk.toString().replace(/\x1b\[[0-9;]*m/g, '');
			if (log.includes(url)) ready();
		});
		child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		child.once('exit', (code) => fail(new Error(`vite dev exited with ${code}:\n${log}`)));
	});
	// Only what the stream helpers use of a server.
	server = { url, port, dbPath, process: child } as unknown as TestServer;
}, 60_000);

afterAll(() => {
	child.kill('SIGKILL');
	rmSync(dir, { recursive: true, force: true });
});

describe('the stream in development', () => {
	it('a change made through the HTTP API reaches a socket of the Vite process, which holds one database connection', async () => {
		const client = new Client(server.url);
		expect((await client.register('Dev')).status).toBe(201);
		const stream = await connectStream(server, { cookie: client.cookieHeader });
		expect(stream.messages[0]).toMatchObject({
			type: 'connected',
			session: { account: { name: 'Dev' } }
		});
		const head = (stream.messages[0] as { lastEventId: number }).lastEventId;

		expect((await client.json('/api/auth/account', 'PATCH', { name: 'Dev renamed' })).status).toBe(
			200
		);
		await stream.waitForEvent(head + 1);
		expect(stream.events.at(-1)?.event).toMatchObject({
			type: 'user-update',
			data: { name: 'Dev renamed' }
		});
		expect(processFdTargets(child.pid!).filter((target) => target === dbPath)).toHaveLength(1);
		stream.close();
	});
});
