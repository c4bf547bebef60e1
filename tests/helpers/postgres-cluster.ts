import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	chownSync,
	existsSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/lib/server/storage/postgres/migrations';
import { freePort } from './free-port';

/**
 * The tests' PostgreSQL: a throwaway cluster started once per run from the machine's binaries,
 * in a temporary folder, on a free port; stopped and deleted at the end. Without the binaries
 * the run fails and says what to install: a suite that skips itself would prove nothing.
 * Tests take a fresh database each from a migrated template (tests/helpers/postgres.ts).
 */

declare module 'vitest' {
	export interface ProvidedContext {
		postgres: { adminUrl: string; template: string; host: string; port: number };
	}
}

export const templateName = 'tidewatch_template';

/** PG_BIN, or the newest of Debian's /usr/lib/postgresql/<version>/bin. */
export function findBinaries(): string {
	const explicit = process.env.PG_BIN;
	const candidates = explicit
		? [explicit]
		: existsSync('/usr/lib/postgresql')
			? readdirSync('/usr/lib/postgresql')
					.filter((version) => /^\d+$/.test(version))
					.sort((a, b) => Number(b) - Number(a))
					.map((version) => `/usr/lib/postgresql/${version}/bin`)
			: [];
	const found = candidates.find(
		(bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))
	);
	if (found) return found;
	throw new Error(
		`The tests need PostgreSQL's server binaries (initdb, postgres) and found none ` +
			`(${explicit ? `PG_BIN=${explicit}` : 'looked in /usr/lib/postgresql/*/bin'}). ` +
			`Install Debian's postgresql package (\`apt-get install postgresql\`, as ` +
			`scripts/test-setup.sh does), or set PG_BIN to the folder that holds initdb and postgres.`
	);
}

/** As root, PostgreSQL refuses to run: its commands run as the `postgres` user. */
function owner(): { uid: number; gid: number; wrap: (command: string[]) => string[] } | null {
	if (process.getuid?.() !== 0) return null;
	const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	const uid = id('-u');
	const gid = id('-g');
	if (uid.status !== 0 || gid.status !== 0) {
		throw new Error(
			'The tests run as root, and PostgreSQL refuses root: they need the `postgres` user ' +
				"(Debian's postgresql package creates it)."
		);
	}
	return {
		uid: Number(uid.stdout),
		gid: Number(gid.stdout),
		wrap: (command) => ['runuser', '-u', 'postgres', '--', ...command]
	};
}

/** In `cwd`: the `postgres` user may not be allowed into the folder the tests run from. */
function run(command: string[], cwd: string): void {
	const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', cwd });
	if (result.status !== 0) {
		throw new Error(`${command.join(' ')} failed:\n${result.stderr || result.stdout}`);
	}
}

/** Tries to connect until the server answers, or fails with its log when it exited. */
async function waitUntilReady(url: string, server: ChildProcess, logPath: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null || server.signalCode !== null) {
			throw new Error(`PostgreSQL did not start:\n${readFileSync(logPath, 'utf8')}`);
		}
		const client = new pg.Client({ connectionString: url });
		try {
			await client.connect();
			await client.end();
			return;
		} catch (error) {
			await client.end().catch(() => {});
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
}

export default async function startCluster(project: TestProject) {
	const started = performance.now();
	const bin = findBinaries();
	const as = owner();
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-pg-'));
	if (as) chownSync(dir, as.uid, as.gid);
	const wrap = as?.wrap ?? ((command: string[]) => command);
	const data = join(dir, 'data');
	const logPath = join(dir, 'server.log');
	let server: ChildProcess | undefined;

	const stop = async () => {
		if (server && server.exitCode === null && server.signalCode === null) {
			const exited = new Promise((resolve) => server!.once('exit', resolve));
			// The postmaster itself (runuser is its parent): SIGINT is PostgreSQL's fast shutdown.
			const pidFile = join(data, 'postmaster.pid');
			const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
			if (pid > 0) process.kill(pid, 'SIGINT');
			else server.kill('SIGINT');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		// No fsync anywhere: the cluster lives as long as the run.
		run(
			wrap(
				[join(bin, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres'].concat([
					'-E',
					'UTF8',
					'--locale=C',
					'--no-sync'
				])
			),
			dir
		);
		const log = openSync(logPath, 'a');
		if (as) chownSync(logPath, as.uid, as.gid);
		const settings = {
			listen_addresses: '127.0.0.1',
			unix_socket_directories: dir,
			max_connections: '300',
			shared_buffers: '32MB',
			fsync: 'off',
			synchronous_commit: 'off',
			full_page_writes: 'off'
		};
		// Other runs on the machine pick free ports too: one taken meanwhile is tried again.
		let port = 0;
		let adminUrl = '';
		for (let attempt = 1; ; attempt++) {
			port = await freePort();
			const command = wrap([
				join(bin, 'postgres'),
				'-D',
				data,
				'-p',
				String(port),
				...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])
			]);
			server = spawn(command[0], command.slice(1), { stdio: ['ignore', log, log], cwd: dir });
			adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
			try {
				await waitUntilReady(adminUrl, server, logPath);
				break;
			} catch (error) {
				const taken = /could not bind|already in use/i.test(readFileSync(logPath, 'utf8'));
				if (!taken || attempt === 3) throw error;
				writeFileSync(logPath, '');
			}
		}

		const admin = new pg.Client({ connectionString: adminUrl });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${templateName}`);
			const template = new pg.Client({
				connectionString: `postgres://postgres@127.0.0.1:${port}/${templateName}`
			});
			await template.connect();
			try {
				await migrate(template);
			} finally {
				await template.end();
			}
			// A template nobody connects to: copying it needs it idle.
			await admin.query(
				`ALTER DATABASE ${templateName} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`
			);
		} finally {
			await admin.end();
		}
		project.provide('postgres', { adminUrl, template: templateName, host: '127.0.0.1', port });
		if (process.env.TIDEWATCH_PG_TIMING) {
			console.log(`PostgreSQL test cluster ready in ${Math.round(performance.now() - started)} ms`);
		}
	} catch (error) {
		await stop();
		throw error;
	}
	return stop;
}
