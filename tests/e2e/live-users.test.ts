import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';

async function openUsers(browser: Browser, login: (page: Page) => Promise<void>) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page);
	await page.goto('/users');
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	return page;
}

/** Marks the page's window: a reload would forget it. */
const markPage = (page: Page) =>
	page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
const wasReloaded = async (page: Page) =>
	(await page.evaluate(() => (window as unknown as { marker?: number }).marker)) !== 1;

test('a user who registers appears at once in the lists of an admin and a regular user', async ({
	browser
}) => {
	const admin = await openUsers(browser, (page) => logIn(page, adminName));
	const regular = await openUsers(browser, (page) => register(page, uniqueName('regular')));

	for (const page of [admin, regular]) await markPage(page);
	const newcomer = uniqueName('newcomer');
	const third = await (await browser.newContext()).newPage();
	await register(third, newcomer);

	// Live, without a reload.
	for (const page of [admin, regular]) {
		await expect(page.getByTestId('users').getByText(newcomer)).toBeVisible();
		expect(await wasReloaded(page)).toBe(false);
	}
});

test('events written between the server render and the stream connect still all appear', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn(page, adminName);

	// Hold the stream's connection back until the events are written.
	let release = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.routeWebSocket(/\/api\/events/, async (ws) => {
		await held;
		ws.connectToServer();
	});
	await page.goto('/users');
	await waitForApp(page);

	const names = [uniqueName('late-a'), uniqueName('late-b'), uniqueName('late-c')];
	for (const name of names) {
		const response = await fetch(new URL('/api/auth/register', page.url()), {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: new URL(page.url()).origin },
			body: JSON.stringify({ name, password: 'password123' })
		});
		expect(response.status).toBe(201);
	}
	for (const name of names) await expect(page.getByText(name)).toHaveCount(0);
	release();
	for (const name of names) {
		await expect(page.getByTestId('users').getByText(name)).toBeVisible();
	}
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('the users list shows as rendered', async ({ page }) => {
		const name = uniqueName('static');
		await register(page, name, false);
		await page.goto('/users');
		await expect(page.getByTestId('users').getByText(name)).toBeVisible();
		await expect(page.getByTestId('user-row')).not.toHaveCount(0);
		await expect(page.getByTestId('stream-status')).toHaveCount(0);
	});
});

test('a page that logs in with JavaScript reopens its stream as the account: its users list stays live', async ({
	browser
}) => {
	const page = await (await browser.newContext()).newPage();
	const name = uniqueName('stays');
	await register(page, name);
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login/);
	// Logged out then in again, all within the same page: no full load reopens the stream.
	await page.getByLabel('Name').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByTestId('account-name')).toHaveText(name);
	await page.getByRole('link', { name: 'Users' }).click();
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

	const newcomer = uniqueName('newcomer');
	await register(await (await browser.newContext()).newPage(), newcomer);
	await expect(page.getByTestId('users').getByText(newcomer)).toBeVisible();
});
