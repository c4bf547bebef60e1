import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const nginxBinary = '/usr/sbin/nginx';
const root = resolve(import.meta.dirname, '../..');

const deployDoc = () => readFileSync(join(root, 'docs/deploy.md'), 'utf8');

/** The ```nginx blocks of docs/deploy.md, in order: the site, then the several instances' upstream. */
function nginxBlocks(): string[] {
	return [...deployDoc().matchAll(/```nginx\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/**
 * The cache path, `map` and `location` blocks of docs/deploy.md's nginx site, as documented:
 * only the app's address and the cache's folder change.
 */
export function documentedSite(
	appPort: number,
	cacheDir: string
): { cache: string; maps: string; locations: string } {
	const site = nginxBlocks()[0];
	if (!site) throw new Error('docs/deploy.md has no nginx block');
	const cache = /^proxy_cache_path \S+ (.*)$/m.exec(site)?.[1];
	const maps = site.match(/^map [\s\S]*?^\}/gm);
	const locations = site.match(/^\tlocation [\s\S]*?^\t\}/gm);
	if (!cache || !maps?.length || !locations?.length) {
		throw new Error('the nginx block lost its proxy_cache_path, maps or locations');
	}
	return {
		cache: `proxy_cache_path ${cacheDir} ${cache}`,
		maps: maps.join('\n'),
		locations: locations.join('\n').replaceAll('127.0.0.1:3000', `127.0.0.1:${appPort}`)
	};
}

/**
 * The site of docs/deploy.md in front of several instances, as its "Several instances" says:
 * its upstream block with the instances' ports (3000, 3001… become `appPorts`), and every
 * location's `proxy_pass` changed as the text says.
 */
export function documentedInstances(
	appPorts: number[],
	cacheDir: string
): { cache: string; maps: string; upstream: string; locations: string } {
	const doc = deployDoc();
	const block = nginxBlocks()[1];
	const upstream = block && /^upstream \w+ \{[\s\S]*?^\}/m.exec(block)?.[0];
	if (!upstream) throw new Error('docs/deploy.md has no second nginx block with an upstream');
	const servers = [...upstream.matchAll(/^\tserver 127\.0\.0\.1:(\d+)\b/gm)].map((m) => +m[1]);
	if (servers.length !== appPorts.length) {
		throw new Error(
			`the upstream lists ${servers.length} instances, the test runs ${appPorts.length}`
		);
	}
	const change =
		/`(proxy_pass http:\/\/127\.0\.0\.1:3000;)`\s+becomes\s+`(proxy_pass http:\/\/\w+;)`/.exec(doc);
	if (!change) throw new Error('docs/deploy.md no longer says how proxy_pass changes');
	const [, from, to] = change;
	const site = documentedSite(3000, cacheDir);
	if (!site.locations.includes(from)) throw new Error(`the site has no ${from}`);
	return {
		...site,
		upstream: upstream.replace(/^(\tserver 127\.0\.0\.1:)(\d+)\b/gm, (_, prefix, port) => {
			return prefix + appPorts[servers.indexOf(+port)];
		}),
		locations: site.locations.replaceAll(from, to)
	};
}

/** The environment docs/deploy.md's systemd unit gives the app, as `Environment=` lines set it. */
export function documentedEnvironment(): Record<string, string> {
	const unit = /```ini\n([\s\S]*?)```/.exec(deployDoc())?.[1];
	if (!unit) throw new Error('docs/deploy.md has no systemd unit');
	return Object.fromEntries(
		[...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map(([, name, value]) => [name, value])
	);
}

export function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	return new Promise((ready, fail) => {
		const attempt = () => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				ready();
			});
			socket.once('error', () => {
				socket.destroy();
				if (Date.now() > deadline) fail(new Error(`nothing listens on ${port}`));
				else setTimeout(attempt, 50);
			});
		};
		attempt();
	});
}

export interface Nginx {
	/** Its own folder: temporary files, the cache, the configuration and the logs. */
	dir: string;
	log(): string;
	stop(): Promise<void>;
}

/**
 * Not the system's nginx: its own files, in the foreground, as whoever runs the test, with
 * `http` (blocks of the http context) and one plain-http server on `port` holding `server`.
 * Both are given the folder, for the cache's path.
 */
export async function startNginx(
	port: number,
	config: (dir: string) => { http: string; server: string },
	{ workerConnections = 64 } = {}
): Promise<Nginx> {
	if (!existsSync(nginxBinary)) {
		throw new Error(
			`${nginxBinary} is missing: install Debian's nginx (apt-get install nginx), as .ci/run does`
		);
	}
	const dir = mkdtempSync(join(tmpdir(), 'tidewatch-nginx-'));
	for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp));
	const { http, server } = config(dir);
	const conf = `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections ${workerConnections}; }
http {
	access_log off;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
${http}
	server {
		listen 127.0.0.1:${port};
		server_name _;
${server}
	}
}
`;
	writeFileSync(join(dir, 'nginx.conf'), conf);
	let output = '';
	const nginx: ChildProcess = spawn(
		nginxBinary,
		['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	nginx.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	nginx.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	nginx.once('exit', (code) => (output += `\nnginx exited with ${code}`));
	await waitForPort(port).catch((error: Error) => {
		throw new Error(`${error.message}\n${output}`);
	});
	return {
		dir,
		log: () => output,
		async stop() {
			if (nginx.exitCode === null && nginx.signalCode === null) {
				nginx.kill('SIGTERM');
				await once(nginx, 'exit');
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
