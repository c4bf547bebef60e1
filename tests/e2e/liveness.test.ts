import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { password, register, uniqueName, waitForApp, test } from './fixtures';
import { testBuildDir } from '../helpers/build';
import { freePort } from '../helpers/free-port';
import { OwnServer } from './own-server';

const root = resolve(import.meta.dirname, '../..');

async function openUsers(page: Page, url = '') {
	await page.goto(`${url}/users`);
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
}

test('offline shows at once; back online the stream is live again and what happened meanwhile appears', async ({
	browser
}) => {
	// Two browsers register: slow on a busy machine, though each step it times is short.
	test.setTimeout(60_000);
	const context = await browser.newContext();
	const page = await context.newPage();
	await register(page, uniqueName('traveller'));
	await openUsers(page);

	await context.setOffline(true);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'offline');
	await expect(page.getByTestId('stream-status')).toHaveText('Offline');

	const newcomer = uniqueName('meanwhile');
	const other = await (await browser.newContext()).newPage();
	await register(other, newcomer);
	// Still offline: nothing reaches the page.
	await expect(page.getByTestId('users').getByText(newcomer)).toHaveCount(0);

	await context.setOffline(false);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(page.getByTestId('users').getByText(newcomer)).toBeVisible();
});

/** A server of this test's own, on a database file it can swap for a backup between runs. */
class ResyncServer extends OwnServer {
	backup(target: string) {
		const result = spawnSync('npm', ['run', '--silent', 'backup', '--', target], {
			cwd: root,
			// The command comes with the build this server runs.
			env: { ...process.env, DATABASE_PATH: this.dbPath, BUILD_DIR: testBuildDir },
			encoding: 'utf8'
		});
		if (result.status !== 0) throw new Error(`backup failed: ${result.stderr}`);
	}

	async streams(): Promise<number> {
		return (await (await fetch(`${this.url}/api/health`)).json()).streams;
	}
}

async function registerAt(page: Page, url: string, name: string) {
	await page.goto(`${url}/register`);
	await waitForApp(page);
	await page.getByLabel('Name').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Register' }).click();
	await expect(page.getByTestId('account-name')).toHaveText(name);
}

test('one tab, one stream: after a restart on an older backup (a resync) the server holds exactly one stream for the tab', async ({
	browser
}) => {
	// Two starts of a server of its own, and a backup: over 90 s on a loaded 2-core machine.
	test.setTimeout(180_000);
	const server = new ResyncServer();
	try {
		await server.start();
		const page = await (await browser.newContext()).newPage();
		const name = uniqueName('restorer');
		await registerAt(page, server.url, name);
		await openUsers(page, server.url);
		expect(await server.streams()).toBe(1);

		// The backup holds the user and their login; what comes after it will be lost.
		const copy = join(server.dir, 'backup.db');
		server.backup(copy);
		const lost = uniqueName('lost');
		const other = await (await browser.newContext()).newPage();
		await registerAt(other, server.url, lost);
		await expect(page.getByTestId('users').getByText(lost)).toBeVisible();
		await other.context().close();

		await server.stop();
		for (const suffix of ['-wal', '-shm']) rmSync(server.dbPath + suffix, { force: true });
		copyFileSync(copy, server.dbPath);
		await server.start();

		// The tab's cursor is past the restored head: it resyncs, reloads its data, reconnects.
		await expect(page.getByTestId('users').getByText(lost)).toHaveCount(0);
		await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		await expect.poll(() => server.streams()).toBe(1);
		// And stays at one: no second socket opens late.
		await page.waitForTimeout(2_000);
		expect(await server.streams()).toBe(1);
	} finally {
		await server.stop();
		rmSync(server.dir, { recursive: true, force: true });
	}
});

/**
 * A TCP proxy of real sockets that can go silent: every connection open at that moment stops
 * carrying data both ways, without a FIN or a reset (a dead line), while new ones pass.
 */
async function silentableProxy(target: number) {
	const open = new Set<[Socket, Socket]>();
	const server: Server = createServer((client) => {
		const upstream = connect(target, '127.0.0.1');
		const pair: [Socket, Socket] = [client, upstream];
		open.add(pair);
		client.pipe(upstream);
		upstream.pipe(client);
		const forget = () => {
			open.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('error', forget).on('close', forget);
		upstream.on('error', forget).on('close', forget);
	});
	const port = await freePort();
	await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
	return {
		url: `http://127.0.0.1:${port}`,
		silenceAll() {
			for (const [client, upstream] of open) {
				client.unpipe(upstream);
				upstream.unpipe(client);
				// Keep reading, and drop what is read: nothing is ever answered, nothing closes.
				client
					.removeAllListeners('close')
					.removeAllListeners('error')
					.on('error', () => {});
				upstream
					.removeAllListeners('close')
					.removeAllListeners('error')
					.on('error', () => {});
				client.on('data', () => {});
				upstream.on('data', () => {});
			}
			open.clear();
		},
		close() {
			server.close();
		}
	};
}

test('a connection that silently stops carrying data is shown and replaced within about 2.5 heartbeat intervals', async ({
	browser
}) => {
	// Two registrations and a server of its own: over 60 s on a loaded 2-core machine.
	test.setTimeout(120_000);
	// A heartbeat every second: silence is seen after 2.5 s.
	const server = new ResyncServer({ STREAM_HEARTBEAT_SECONDS: '1' });
	server.port = await freePort();
	const proxy = await silentableProxy(server.port);
	await server.start(proxy.url);
	try {
		const page = await (await browser.newContext()).newPage();
		await registerAt(page, proxy.url, uniqueName('tunnel'));
		await openUsers(page, proxy.url);

		// The new connection can be live again within milliseconds, faster than a poll of the
		// attribute would see: the page itself records every status it shows, with its time.
		await page.evaluate(() => {
			const shown: [number, string][] = [];
			(window as unknown as { statusesShown: typeof shown }).statusesShown = shown;
			new MutationObserver((changes) => {
				for (const change of changes) {
					const status = (change.target as Element).getAttribute('data-status');
					if (status) shown.push([Date.now(), status]);
				}
			}).observe(document.body, { subtree: true, attributeFilter: ['data-status'] });
		});
		const shownSince = () =>
			page.evaluate(
				() => (window as unknown as { statusesShown: [number, string][] }).statusesShown
			);
		proxy.silenceAll();
		const silentAt = Date.now();
		await expect
			.poll(async () => (await shownSince()).some(([, status]) => status === 'reconnecting'))
			.toBe(true);
		const noticedAt = (await shownSince()).find(([, status]) => status === 'reconnecting')![0];
		const noticedAfter = noticedAt - silentAt;
		expect(noticedAfter).toBeGreaterThanOrEqual(1_500);
		expect(noticedAfter).toBeLessThan(4_500);
		const status = page.getByTestId('stream-status');
		await expect(status).toHaveAttribute('data-status', 'live');

		// Events flow on the new connection.
		const newcomer = uniqueName('after');
		const other = await (await browser.newContext()).newPage();
		await registerAt(other, proxy.url, newcomer);
		await expect(page.getByTestId('users').getByText(newcomer)).toBeVisible();
		// The server cut the dead one too (two missed pongs): one stream for the tab, one for `other`.
		await expect.poll(() => server.streams()).toBe(2);
	} finally {
		proxy.close();
		await server.stop();
		rmSync(server.dir, { recursive: true, force: true });
	}
});
