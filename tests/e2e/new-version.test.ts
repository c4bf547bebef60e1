import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { copyTestBuild } from '../helpers/build';
import { waitForApp, test, openLive } from './fixtures';
import { OwnServer } from './own-server';

/*
 * A deploy under an open page: the server restarts on a build whose files are named anew, and
 * the page, still running the old code, navigates. Each test runs its own server on a copy of
 * the tests' build, which it changes as a deploy would.
 */

/** On a copy of the tests' build, which it changes as a deploy would. */
class DeployedServer extends OwnServer {
	readonly build: ReturnType<typeof copyTestBuild>;

	constructor() {
		const build = copyTestBuild();
		super({}, build.buildDir);
		this.build = build;
	}

	/**
	 * What a new build changes: each page's code, and the entry that imports it, under new names
	 * (every reference to them rewritten; their compressed copies, now stale, dropped). The files
	 * under the old names are gone, as after a deploy.
	 */
	renameCode() {
		const client = join(this.build.buildDir, 'client', '_app/immutable');
		const renamed = new Map<string, string>();
		for (const folder of ['nodes', 'entry']) {
			for (const name of readdirSync(join(client, folder))) {
				if (!name.endsWith('.js') || (folder === 'entry' && !name.startsWith('app.'))) continue;
				const next = name.replace(/\.js$/, '-next.js');
				renameSync(join(client, folder, name), join(client, folder, next));
				renamed.set(name, next);
			}
		}
		for (const file of filesUnder(this.build.buildDir)) {
			if (!file.endsWith('.js')) continue;
			const text = readFileSync(file, 'utf8');
			let next = text;
			for (const [from, to] of renamed) next = next.replaceAll(from, to);
			if (next === text) continue;
			writeFileSync(file, next);
			rmSync(`${file}.br`, { force: true });
			rmSync(`${file}.gz`, { force: true });
		}
		for (const file of filesUnder(client)) {
			const base = file.replace(/\.(br|gz)$/, '');
			if (base !== file && renamed.has(relative(join(base, '..'), base))) rmSync(file);
		}
	}

	setVersion(version: string) {
		const file = join(this.build.buildDir, 'client', '_app/version.json');
		for (const suffix of ['.br', '.gz']) rmSync(file + suffix, { force: true });
		writeFileSync(file, JSON.stringify({ version }));
	}

	async close() {
		await this.remove();
		this.build.remove();
	}
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name));
}

/** The page's window as loaded now: a full load replaces it, a client-side navigation keeps it. */
async function markWindow(page: Page) {
	await page.evaluate(() => Object.assign(window, { oldCode: true }));
}
const sameWindow = (page: Page) =>
	page.evaluate(() => (window as unknown as { oldCode?: boolean }).oldCode === true);

test.describe('a deploy under an open page', () => {
	// What the page does when the server no longer has its code. A service worker keeps the
	// code of its version until it updates, so the old page never misses it: kept out here.
	test.use({ serviceWorkers: 'block' });
	let server: DeployedServer;
	test.beforeEach(async () => {
		server = new DeployedServer();
		await server.start();
	});
	test.afterEach(async () => server.close());

	for (const hoveredFirst of [false, true]) {
		const how = hoveredFirst
			? ', after its link was hovered (preloaded) while the code was gone'
			: '';
		test(`a navigation to a page whose code is gone loads it in full, with the new build's code${how}`, async ({
			page
		}) => {
			await openLive(page, `${server.url}/`);
			await markWindow(page);
			// A new build that the version check cannot tell apart (same version name): only the
			// failed import says the code changed.
			await server.stop();
			server.renameCode();
			await server.start();
			await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

			const link = page.getByRole('banner').getByRole('link', { name: 'Log in' });
			if (hoveredFirst) {
				// The click comes while the preload's import is still on its way: SvelteKit
				// reuses that load, which fails once, before the navigation.
				let release = () => {};
				const held = new Promise<void>((resolve) => (release = resolve));
				let asked = () => {};
				const importAsked = new Promise<void>((resolve) => (asked = resolve));
				await page.route(/\/_app\/immutable\/nodes\//, async (route) => {
					asked();
					await held;
					await route.continue();
				});
				await link.hover();
				await importAsked;
				await link.click();
				release();
			} else {
				await link.click();
			}
			await expect(page).toHaveURL(`${server.url}/login`);
			await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
			await waitForApp(page);
			expect(await sameWindow(page)).toBe(false);
			await expect(page.getByText('Failed to fetch')).toHaveCount(0);
		});
	}

	test('once the stream is back from a restart on a new version, the next navigation is a full load', async ({
		page
	}) => {
		await openLive(page, `${server.url}/`);
		await markWindow(page);
		await server.stop();
		server.setVersion('a-new-version');
		await server.start();
		await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		await expect(page.locator('html[data-new-version="true"]')).toHaveCount(1);

		// Its code is still there: without the new version known, this would stay in the page.
		await page.getByRole('banner').getByRole('link', { name: 'Register' }).click();
		await expect(page).toHaveURL(`${server.url}/register`);
		await expect(page.getByRole('heading', { name: 'Register' })).toBeVisible();
		await waitForApp(page);
		expect(await sameWindow(page)).toBe(false);
	});
});
