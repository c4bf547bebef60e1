import { afterAll, beforeAll, beforeEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { assertTestBuild, testBuildDir } from './build';
import { freePort } from './free-port';
import { freshDatabase, queryNow, writeNow, type FreshDatabase } from './postgres';

export { freePort };

const root = resolve(import.meta.dirname, '../..');

export interface TestServer {
	url: string;
	port: number;
	dbPath: string;
	/** With TEST_DATABASE=postgres (or a DATABASE_URL in `env`): the server's PostgreSQL database. */
	databaseUrl: string | null;
	process: ChildProcess;
	output: () => string;
	/**
	 * A look at the server's database, in the SQL both databases speak (`"user"` quoted).
	 */
	query<T = unknown>(sql: string, ...params: unknown[]): T[];
	/**
	 * Writes straight into the server's database, as only a test may: `sql` once per parameter
	 * list (once with none), all in one transaction, in the SQL both databases speak.
	 */
	write(sql: string, ...paramLists: unknown[][]): void;
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	restart(): Promise<void>;
	/** Kills the server and removes its database. */
	close(): Promise<void>;
}

/** The server's log entries (its output's JSON lines), after `from` characters of it. */
export function logEntries(server: TestServer, from = 0): Record<string, unknown>[] {
	return server
		.output()
		.slice(from)
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

/**
 * Starts the built production server (`node server.js`) on a free port with its own database,
 * serving the tests' own build (`npm run build:test`) unless `env` names another BUILD_DIR.
 * The database is a SQLite file, or with TEST_DATABASE=postgres a fresh PostgreSQL database of
 * the run's cluster (the suites that run on both: vite.config.ts).
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
	if (!env.BUILD_DIR) assertTestBuild();
	let database: FreshDatabase | null = null;
	if (process.env.TEST_DATABASE === 'postgres' && env.DATABASE_URL === undefined) {
		database = await freshDatabase();
		env = { ...env, DATABASE_URL: database.url };
	}
	const databaseUrl = env.DATABASE_URL || null;
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-it-'));
	const dbPath = join(dir, 'tidewatch.db');
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let log = '';
	let child: ChildProcess;

	async function launch() {
		child = spawn(process.execPath, ['server.js'], {
			cwd: root,
			// An empty value leaves the variable unset (ORIGIN: '' runs the server as `npm start` does).
			env: withoutEmpty({
				...process.env,
				NODE_ENV: 'production',
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: url,
				DATABASE_PATH: dbPath,
				BUILD_DIR: testBuildDir,
				SHUTDOWN_TIMEOUT: '5',
				// Tests register many users from one address; the rate-limit test sets its own.
				RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: '100000',
				RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '100000',
				// A test user makes many changes at once; the write-budget test sets the default back.
				RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
				RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000',
				...env
			}),
			stdio: ['ignore', 'pipe', 'pipe']
		});
		await new Promise<void>((ready, fail) => {
			const onData = (chunk: Buffer) => {
				log += chunk.toString();
				if (log.includes('Listening on')) ready();
			};
			child.stdout!.on('data', onData);
			child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
			child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${log}`)));
		});
	}

	const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
		new Promise<number | null>((done) => {
			if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
			child.once('exit', (code) => done(code));
			child.kill(signal);
		});

	await launch();
	return {
		url,
		port,
		dbPath,
		databaseUrl,
		get process() {
			return child;
		},
		output: () => log,
		query<T>(sql: string, ...params: unknown[]) {
			if (databaseUrl) return queryNow<T>(databaseUrl, sql, params);
			const db = new Database(dbPath, { readonly: true });
			try {
				return db.prepare(sql).all(...params) as T[];
			} finally {
				db.close();
			}
		},
		write(sql, ...paramLists) {
			if (paramLists.length === 0) paramLists = [[]];
			if (databaseUrl) {
				writeNow(databaseUrl, sql, paramLists);
				return;
			}
			const db = new Database(dbPath);
			db.pragma('busy_timeout = 5000');
			try {
				const statement = db.prepare(sql);
				db.transaction(() => paramLists.forEach((params) => statement.run(...params)))();
			} finally {
				db.close();
			}
		},
		stop,
		async restart() {
			await stop();
			await launch();
		},
		async close() {
			await stop('SIGKILL');
			rmSync(dir, { recursive: true, force: true });
			await database?.release();
		}
	};
}

/**
 * One server for the test file (or describe block) it is called in: started before its tests,
 * killed after. The object it returns is filled in once the server is up.
 */
export function serverForSuite(env: Record<string, string> = {}): TestServer {
	const server = {} as TestServer;
	beforeAll(async () => {
		// Copy the descriptors, not the values: `process` is a getter that follows restarts.
		Object.defineProperties(server, Object.getOwnPropertyDescriptors(await startServer(env)));
	});
	afterAll(() => server.close?.());
	return server;
}

/** When a test fails because its server died, say so, with the end of the server's output. */
export function reportIfItDies(current: () => TestServer | undefined) {
	beforeEach(({ onTestFailed }) => {
		onTestFailed(() => {
			const dead = current();
			const exit = dead?.process.exitCode ?? dead?.process.signalCode;
			if (dead && exit != null) {
				console.error(
					`the server on port ${dead.port} exited (${exit}); it wrote:\n` +
						dead.output().slice(-3000)
				);
			}
		});
	});
}
