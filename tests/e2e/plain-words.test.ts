import { expect, request, type Page } from '@playwright/test';
import { adminName, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';

async function setTypeByApi(baseURL: string, name: string, type: string) {
	const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
	expect((await api.post('/api/auth/login', { data: { name: adminName, password } })).ok()).toBe(
		true
	);
	const users: { id: string; name: string }[] = await (await api.get('/api/users')).json();
	const user = users.find((u) => u.name === name)!;
	expect((await api.patch(`/api/users/${user.id}`, { data: { type } })).ok()).toBe(true);
	await api.dispose();
}

const greeting = (page: Page) => page.getByTestId('greeting');

test('the greeting says "Welcome" after registering, "Welcome back" later, and follows a rename live', async ({
	browser
}) => {
	const context = await browser.newContext();
	const home = await context.newPage();
	const name = uniqueName('greeted');
	await register(home, name);
	await expect(greeting(home)).toContainText(`Welcome, ${name}.`);
	// A full load, so the stream is the logged-in one (see the report: a JavaScript login keeps
	// the stream it opened before).
	await home.reload();
	await expect(greeting(home)).toContainText(`Welcome back, ${name}.`);
	await waitForApp(home);
	await expect(home.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

	const account = await context.newPage();
	await account.goto('/account');
	await waitForApp(account);
	const renamed = uniqueName('renamed');
	await account.getByRole('textbox', { name: 'Name' }).fill(renamed);
	await account.getByRole('button', { name: 'Rename' }).click();
	await expect(account.getByText('Your name was changed.')).toBeVisible();
	// The first page was not reloaded: the stream brought the new name.
	await expect(greeting(home)).toContainText(`Welcome back, ${renamed}.`);
});

test('/account tells the access level in plain words, and follows a type change live', async ({
	page,
	baseURL
}) => {
	const name = uniqueName('level');
	await register(page, name);
	await page.goto('/account');
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(page.getByTestId('access-level')).toContainText('You are a regular user');
	await setTypeByApi(baseURL!, name, 'crew');
	await expect(page.getByTestId('access-level')).toContainText('You are crew');
	await setTypeByApi(baseURL!, name, 'admin');
	await expect(page.getByTestId('access-level')).toContainText('You are an admin');
});

test("an admin's own row on /users says she is here now", async ({ page }) => {
	await logIn(page, adminName);
	await page.goto('/users');
	await waitForApp(page);
	const own = page.getByTestId('user-row').filter({ hasText: '(you)' });
	await expect(own.getByTestId('last-seen')).toHaveText('now (you are here)');
	await expect(own.getByTestId('last-seen')).toHaveAttribute('title', /When this user last/);
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
		test.use({ javaScriptEnabled });

		test('an unknown address shows a page in words, in the app, with a link home', async ({
			page
		}) => {
			const response = await page.goto('/no-such-page');
			expect(response?.status()).toBe(404);
			await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
			await expect(page.getByText('There is no page at this address.')).toBeVisible();
			await expect(page.locator('header').getByRole('link', { name: 'Tidewatch' })).toBeVisible();
			await page.getByRole('link', { name: 'Go to the home page' }).click();
			await expect(page).toHaveURL('/');
		});

		test('the greeting says "Welcome" right after registering', async ({ page }) => {
			const name = uniqueName('welcome');
			await register(page, name, javaScriptEnabled);
			await expect(greeting(page)).toContainText(`Welcome, ${name}.`);
		});

		test('ending a session: an empty password is asked for, and after the End the field is empty', async ({
			browser,
			page
		}) => {
			const name = uniqueName('ender');
			await register(page, name, javaScriptEnabled);
			for (let i = 0; i < 2; i++) {
				await logIn(
					await (await browser.newContext({ javaScriptEnabled: false })).newPage(),
					name,
					false
				);
			}

			await page.goto('/account');
			await waitForApp(page, javaScriptEnabled);
			await expect(page.getByTestId('session-row')).toHaveCount(3);
			const field = page.getByLabel('Current password, to end sessions');
			await page.getByTestId('session-row').getByRole('button', { name: 'End' }).first().click();
			await expect(page.getByRole('alert')).toHaveText(
				'currentPassword is empty: enter your current password'
			);
			await expect(page.getByTestId('session-row')).toHaveCount(3);

			await field.fill(password);
			await page.getByTestId('session-row').getByRole('button', { name: 'End' }).first().click();
			await expect(page.getByText('The session was ended.')).toBeVisible();
			await expect(page.getByTestId('session-row')).toHaveCount(2);
			await expect(field).toHaveValue('');
			// Without JavaScript the answer was a redirect to a clean address, not ?/endSessions.
			await expect(page).toHaveURL(javaScriptEnabled ? '/account' : '/account?done=session-ended');
		});
	});
}
