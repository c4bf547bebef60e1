// A throwaway PostgreSQL cluster from the machine's binaries, in a temporary folder, on a free
// port: the tests' (tests/helpers/postgres-cluster.ts) and the benchmark's (bench/postgres.js).
// As root, PostgreSQL refuses to run, so its commands run as the `postgres` user.
import { spawn, spawnSync } from 'node:child_process';
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
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * PG_BIN, or the newest of Debian's /usr/lib/postgresql/<version>/bin.
 * @param {string} [who] who needs them, for the message ("The tests need")
 * @returns {string}
 */
export function findBinaries(who = 'The tests need') {
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
		`${who} PostgreSQL's server binaries (initdb, postgres) and found none ` +
			`(${explicit ? `PG_BIN=${explicit}` : 'looked in /usr/lib/postgresql/*/bin'}). ` +
			`Install Debian's postgresql package (\`apt-get install postgresql\`, as ` +
			`scripts/test-setup.sh does), or set PG_BIN to the folder that holds initdb and postgres.`
	);
}

/** @returns {{ uid: number, gid: number, wrap: (command: string[]) => string[] } | null} */
function owner() {
	if (process.getuid?.() !== 0) return null;
	/** @param {string} flag */
	const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	const uid = id('-u');
	const gid = id('-g');
	if (uid.status !== 0 || gid.status !== 0) {
		throw new Error(
			'This runs as root, and PostgreSQL refuses root: it needs the `postgres` user ' +
				"(Debian's postgresql package creates it)."
		);
	}
	return {
		uid: Number(uid.stdout),
		gid: Number(gid.stdout),
		wrap: (command) => ['runuser', '-u', 'postgres', '--', ...command]
	};
}

/**
 * In `cwd`: the `postgres` user may not be allowed into the folder the caller runs from.
 * @param {string[]} command
 * @param {string} cwd
 */
function run(command, cwd) {
	const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', cwd });
	if (result.status !== 0) {
		throw new Error(`${command.join(' ')} failed:\n${result.stderr || result.stdout}`);
	}
}

/** @returns {Promise<number>} a port nothing listens on now, on 127.0.0.1 */
function freePort() {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.once('error', fail);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => done(port));
		});
	});
}

/**
 * Tries to connect until the server answers, or fails with its log when it exited.
 * @param {string} url
 * @param {import('node:child_process').ChildProcess} server
 * @param {string} logPath
 */
async function waitUntilReady(url, server, logPath) {
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

/**
 * @typedef {object} Cluster
 * @property {string} adminUrl a superuser URL to the `postgres` database
 * @property {number} port
 * @property {string} dir the temporary folder (data, log, socket)
 * @property {() => number} postmasterPid the server's own process (its backends are its children)
 * @property {() => Promise<void>} stop a fast shutdown, then the folder deleted; safe to call twice
 * @property {() => void} kill at once, for a process that is exiting: an immediate shutdown
 *   (SIGQUIT), then the folder deleted
 */

/**
 * Starts a cluster: initdb without fsync (it lives as long as its caller), then the server.
 * @param {{ who?: string, settings?: Record<string, string> }} [options]
 * @returns {Promise<Cluster>}
 */
export async function startCluster({ who, settings = {} } = {}) {
	const bin = findBinaries(who);
	const as = owner();
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-pg-'));
	if (as) chownSync(dir, as.uid, as.gid);
	const wrap = as?.wrap ?? ((/** @type {string[]} */ command) => command);
	const data = join(dir, 'data');
	const logPath = join(dir, 'server.log');
	/** @type {import('node:child_process').ChildProcess | undefined} */
	let server;

	const postmasterPid = () => {
		const pidFile = join(data, 'postmaster.pid');
		return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
	};
	const stop = async () => {
		const running = server;
		if (running && running.exitCode === null && running.signalCode === null) {
			const exited = new Promise((resolve) => running.once('exit', resolve));
			// The postmaster itself (runuser is its parent): SIGINT is PostgreSQL's fast shutdown.
			const pid = postmasterPid();
			if (pid > 0) process.kill(pid, 'SIGINT');
			else running.kill('SIGINT');
			await exited;
		}
		rmSync(dir, { recursive: true, force: true });
	};

	const kill = () => {
		const pid = postmasterPid();
		if (pid > 0 && server && server.exitCode === null && server.signalCode === null) {
			try {
				process.kill(pid, 'SIGQUIT');
			} catch {
				// already gone
			}
		}
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		run(
			wrap([
				join(bin, 'initdb'),
				...['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']
			]),
			dir
		);
		const log = openSync(logPath, 'a');
		if (as) chownSync(logPath, as.uid, as.gid);
		const all = {
			listen_addresses: '127.0.0.1',
			unix_socket_directories: dir,
			max_connections: '300',
			shared_buffers: '32MB',
			fsync: 'off',
			synchronous_commit: 'off',
			full_page_writes: 'off',
			...settings
		};
		// Other runs on the machine pick free ports too: one taken meanwhile is tried again.
		for (let attempt = 1; ; attempt++) {
			const port = await freePort();
			const command = wrap([
				join(bin, 'postgres'),
				...['-D', data, '-p', String(port)],
				...Object.entries(all).flatMap(([name, value]) => ['-c', `${name}=${value}`])
			]);
			server = spawn(command[0], command.slice(1), { stdio: ['ignore', log, log], cwd: dir });
			const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
			try {
				await waitUntilReady(adminUrl, server, logPath);
				return { adminUrl, port, dir, postmasterPid, stop, kill };
			} catch (error) {
				const taken = /could not bind|already in use/i.test(readFileSync(logPath, 'utf8'));
				if (!taken || attempt === 3) throw error;
				writeFileSync(logPath, '');
			}
		}
	} catch (error) {
		await stop();
		throw error;
	}
}
