import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testBuildDir } from '../helpers/build';
import { freePort } from '../helpers/free-port';

const root = resolve(import.meta.dirname, '../..');

/**
 * A production server of a test's own, beside the suite's: a fresh database in a folder of its
 * own, the test build (or `buildDir`), and whatever `env` the test needs. It keeps its port
 * and database across a stop and a start, as a restarted service does.
 */
export class OwnServer {
	readonly dir = mkdtempSync(join(tmpdir(), 'tidewatch-e2e-own-'));
	readonly dbPath = join(this.dir, 'tidewatch.db');
	url = '';
	origin = '';
	/** Chosen at the first start unless set before. */
	port = 0;
	private child: ChildProcess | null = null;

	constructor(
		private readonly env: Record<string, string> = {},
		private readonly buildDir = testBuildDir
	) {}

	/** `origin`: where browsers reach it, when that is not its own port (a proxy in front). */
	async start(origin?: string) {
		if (!this.port) this.port = await freePort();
		this.url = `http://127.0.0.1:${this.port}`;
		this.origin = origin ?? this.url;
		const child = spawn(process.execPath, ['server.js'], {
			cwd: root,
			env: {
				...process.env,
				NODE_ENV: 'production',
				HOST: '127.0.0.1',
				PORT: String(this.port),
				ORIGIN: this.origin,
				DATABASE_PATH: this.dbPath,
				BUILD_DIR: this.buildDir,
				LOG_LEVEL: 'warn',
				...this.env
			},
			stdio: ['ignore', 'pipe', 'inherit']
		});
		this.child = child;
		await new Promise<void>((ready, fail) => {
			let out = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				out += chunk.toString();
				if (out.includes('Listening on')) ready();
			});
			child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${out}`)));
		});
	}

	async stop() {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		await new Promise((done) => {
			child.once('exit', done);
			child.kill('SIGTERM');
		});
	}

	/** Stops it and removes its database. */
	async remove() {
		await this.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
