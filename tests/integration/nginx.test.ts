import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { freePort, startServer, type TestServer } from '../helpers/server';
import { connectStream } from '../helpers/stream';

const nginxBinary = '/usr/sbin/nginx';
const root = resolve(import.meta.dirname, '../..');

/**
 * The `map` and `location` blocks of docs/deploy.md's nginx site, as documented: only the app's
 * address changes. The test's own server block listens on plain http on a free port.
 */
function documentedProxy(appPort: number): { map: string; locations: string } {
	const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
	const site = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
	if (!site) throw new Error('docs/deploy.md has no nginx block');
	const map = /^map [\s\S]*?^\}/m.exec(site)?.[0];
	const locations = site.match(/^\tlocation [\s\S]*?^\t\}/gm);
	if (!map || !locations?.length) throw new Error('the nginx block lost its map or locations');
	return {
		map,
		locations: locations.join('\n').replaceAll('127.0.0.1:3000', `127.0.0.1:${appPort}`)
	};
}

/** The environment docs/deploy.md's systemd unit gives the app, as `Environment=` lines set it. */
function documentedEnvironment(): Record<string, string> {
	const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
	const unit = /```ini\n([\s\S]*?)```/.exec(doc)?.[1];
	if (!unit) throw new Error('docs/deploy.md has no systemd unit');
	return Object.fromEntries(
		[...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map(([, name, value]) => [name, value])
	);
}

function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
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

describe('behind a real nginx, configured as docs/deploy.md says', () => {
	let app: TestServer;
	let nginx: ChildProcess;
	let dir: string;
	let proxyUrl: string;
	let nginxLog = '';

	beforeAll(async () => {
		if (!existsSync(nginxBinary)) {
			throw new Error(
				`${nginxBinary} is missing: install Debian's nginx (apt-get install nginx), as .ci/run does`
			);
		}
		const proxyPort = await freePort();
		proxyUrl = `http://127.0.0.1:${proxyPort}`;
		// The address header exactly as the docs' systemd unit sets it; ORIGIN is this proxy's.
		const unit = documentedEnvironment();
		if (!unit.ADDRESS_HEADER || !unit.XFF_DEPTH || !unit.ORIGIN) {
			throw new Error(
				'the systemd unit of docs/deploy.md lost ORIGIN, ADDRESS_HEADER or XFF_DEPTH'
			);
		}
		app = await startServer({
			ORIGIN: proxyUrl,
			ADDRESS_HEADER: unit.ADDRESS_HEADER,
			XFF_DEPTH: unit.XFF_DEPTH
		});
		dir = mkdtempSync(join(tmpdir(), 'tidewatch-nginx-'));
		for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp));
		const { map, locations } = documentedProxy(app.port);
		// Not the system's nginx: its own files, in the foreground, as whoever runs the test.
		// nginx connects to the app from 127.0.0.2, so an address the app reports as 127.0.0.1
		// can only have come from X-Forwarded-For.
		const conf = `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	proxy_bind 127.0.0.2;
${map}
	server {
		listen 127.0.0.1:${proxyPort};
		server_name _;
${locations}
	}
}
`;
		writeFileSync(join(dir, 'nginx.conf'), conf);
		nginx = spawn(
			nginxBinary,
			['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')],
			{
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		nginx.stdout!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
		nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
		nginx.once('exit', (code) => (nginxLog += `\nnginx exited with ${code}`));
		await waitForPort(proxyPort).catch((error: Error) => {
			throw new Error(`${error.message}\n${nginxLog}`);
		});
	});

	afterAll(async () => {
		if (nginx && nginx.exitCode === null) {
			nginx.kill('SIGTERM');
			await once(nginx, 'exit');
		}
		await app?.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('serves a page', async () => {
		const response = await fetch(`${proxyUrl}/register`);
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('<form');
	});

	it('takes a form posted without JavaScript, the stream upgrades through it, and the app sees the client address from X-Forwarded-For', async () => {
		const browser = new Client(proxyUrl);
		const response = await browser.form('/register?/register', {
			name: 'Proxied',
			password: 'password123'
		});
		expect(response.status).toBe(303);
		expect(browser.cookies.has('tidewatch_session')).toBe(true);

		const stream = await connectStream({ ...app, url: proxyUrl }, { cookie: browser.cookieHeader });
		expect(stream.messages[0]).toMatchObject({
			type: 'connected',
			session: { account: { name: 'Proxied' } }
		});
		const health = await (await fetch(`${proxyUrl}/api/health`)).json();
		expect(health.streams).toBe(1);

		// A change through the proxy reaches the stream through it.
		expect((await browser.json('/api/auth/account', 'PATCH', { name: 'Proxied2' })).status).toBe(
			200
		);
		await stream.waitFor(
			() => stream.events.some((e) => e.event.type === 'user-update'),
			'the rename to arrive'
		);
		stream.close();

		// The log line may reach us after the answer did.
		await expect
			.poll(() => logEntries(app).find((entry) => entry.event === 'login'))
			.toMatchObject({ name: 'Proxied', address: '127.0.0.1' });
	});

	it('a forged X-Forwarded-For from the client does not become its address', async () => {
		const browser = new Client(proxyUrl);
		const response = await browser.fetch('/register?/register', {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				'x-forwarded-for': '203.0.113.9'
			},
			body: 'name=Forger&password=password123'
		});
		expect(response.status).toBe(303);
		await expect
			.poll(() =>
				logEntries(app).find((entry) => entry.event === 'login' && entry.name === 'Forger')
			)
			.toMatchObject({ address: '127.0.0.1' });
	});
});

/** The app's log so far, one object per JSON line. */
function logEntries(server: TestServer): Record<string, unknown>[] {
	return server
		.output()
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line));
}
