import { expect } from '@playwright/test';
import { adminName, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('a user renames themself, changes the password, ends another session and deletes the account', async ({
		browser
	}) => {
		// Five password hashings and a dozen page loads without JavaScript, on shared CPUs.
		test.slow();
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		const name = uniqueName('nojs');
		await register(page, name, false);
		const other = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await logIn(other, name, false);

		await page.goto('/account');
		const renamed = uniqueName('renamed');
		await page.getByRole('textbox', { name: 'Name' }).fill(renamed);
		await page.getByRole('button', { name: 'Rename' }).click();
		await expect(page.getByText('Your name was changed.')).toBeVisible();
		await expect(page.getByTestId('account-name')).toHaveText(renamed);

		// A wrong current password is told beside its field.
		await page.getByLabel('Current password').first().fill('not-my-password');
		await page.getByLabel('New password').fill('a-new-password');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByRole('alert')).toHaveText('the current password is wrong');

		// Ending another session needs the password.
		await page.goto('/account');
		await expect(page.getByTestId('session-row')).toHaveCount(2);
		await page.getByLabel('Current password, to end sessions').fill(password);
		await page.getByTestId('session-row').getByRole('button', { name: 'End' }).click();
		await expect(page.getByText('The session was ended.')).toBeVisible();
		await expect(page.getByTestId('session-row')).toHaveCount(1);
		await other.goto('/account');
		await expect(other).toHaveURL('/login?notice=session-ended-elsewhere&next=/account');
		await expect(other.getByTestId('session-ended-elsewhere')).toBeVisible();

		await page.getByLabel('Current password').first().fill(password);
		await page.getByLabel('New password').fill('a-new-password');
		await page.getByRole('button', { name: 'Change password' }).click();
		await expect(page.getByText('Your password was changed')).toBeVisible();
		// The answer carried the cookie of a new login: this browser is still logged in.
		await page.goto('/account');
		await expect(page.getByTestId('account-name')).toHaveText(renamed);

		const deleteForm = page.locator('form[action="?/delete"]');
		await deleteForm.getByLabel('Current password').fill('a-new-password');
		await deleteForm.getByLabel('I understand').check();
		await page.getByRole('button', { name: 'Delete my account' }).click();
		await expect(page).toHaveURL('/');
		await expect(page.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();

		await page.goto('/login');
		await page.getByLabel('Name').fill(renamed);
		await page.getByLabel('Password').fill('a-new-password');
		await page.getByRole('button', { name: 'Log in' }).click();
		await expect(page.getByRole('alert')).toHaveText('wrong name or password');
	});
});

test('ending a session from the list closes that session’s open page', async ({ browser }) => {
	const name = uniqueName('ender');
	const page = await (await browser.newContext()).newPage();
	await register(page, name);
	const other = await (await browser.newContext()).newPage();
	await logIn(other, name);
	await other.goto('/users');
	await waitForApp(other);
	await expect(other.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

	await page.goto('/account');
	await waitForApp(page);
	await expect(page.getByTestId('session-row')).toHaveCount(2);
	await page.getByLabel('Current password, to end sessions').fill(password);
	await page.getByTestId('session-row').getByRole('button', { name: 'End' }).click();
	await expect(page.getByTestId('session-row')).toHaveCount(1);

	await expect(other.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();
	await expect(other.getByTestId('account-name')).toHaveCount(0);
});

test('a new login of the account appears live in its sessions list', async ({ browser }) => {
	const name = uniqueName('watcher');
	const page = await (await browser.newContext()).newPage();
	await register(page, name);
	await page.goto('/account');
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(page.getByTestId('session-row')).toHaveCount(1);
	const other = await (await browser.newContext()).newPage();
	await logIn(other, name);
	await expect(page.getByTestId('session-row')).toHaveCount(2);
});

for (const [width, height, label] of [
	[1280, 900, 'desktop'],
	[390, 844, 'phone']
] as const) {
	test(`screenshots of /users and /account at ${label} width`, async ({ browser }) => {
		const context = await browser.newContext({ viewport: { width, height } });
		const page = await context.newPage();
		await logIn(page, adminName);
		for (const path of ['/users', '/account']) {
			await page.goto(path);
			await waitForApp(page);
			await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
			await page.screenshot({
				path: `test-results/screenshots/${path.slice(1)}-${label}.png`,
				fullPage: true
			});
		}
	});
}

test('a password change keeps this page logged in and live, and logs every other browser out', async ({
	browser
}) => {
	const name = uniqueName('rekey');
	const page = await (await browser.newContext()).newPage();
	await register(page, name);
	const other = await (await browser.newContext()).newPage();
	await logIn(other, name);
	await other.goto('/users');
	await waitForApp(other);
	await expect(other.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

	await page.goto('/account');
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await page.getByLabel('Current password').first().fill(password);
	await page.getByLabel('New password').fill('a-new-password');
	await page.getByRole('button', { name: 'Change password' }).click();
	await expect(page.getByText('Your password was changed')).toBeVisible();
	await expect(page.getByTestId('session-row')).toHaveCount(1);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(page.getByTestId('account-name')).toHaveText(name);

	await expect(other.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();
	await expect(other.getByTestId('account-name')).toHaveCount(0);
});
