import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';

const words = {
	'session-ended-elsewhere':
		'You were logged out: this session was ended from another device, or by a newer login. Log in again.',
	'password-changed':
		'You were logged out because the password of your account was changed. Log in with the new password.',
	'user-deleted': 'You were logged out because your account was deleted.'
} as const;

/** A user on a first browser (JavaScript on or off), left on /account. */
async function onFirstBrowser(browser: Browser, javaScriptEnabled: boolean) {
	const name = uniqueName('notice');
	const first = await (await browser.newContext({ javaScriptEnabled })).newPage();
	await register(first, name, javaScriptEnabled);
	await first.goto('/account');
	await waitForApp(first, javaScriptEnabled);
	// With JavaScript, what follows must meet an open stream, not one still connecting.
	if (javaScriptEnabled) {
		await expect(first.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	}
	return { name, first };
}

/** The same user logged in on a second browser too, on its /account. */
async function onTwoBrowsers(browser: Browser, javaScriptEnabled: boolean) {
	const { name, first } = await onFirstBrowser(browser, javaScriptEnabled);
	const second = await (await browser.newContext()).newPage();
	await logIn(second, name);
	await second.goto('/account');
	await waitForApp(second);
	return { name, first, second };
}

/**
 * The first browser's page says what happened: with JavaScript its open page follows at once;
 * without, the next page it opens (the same /account) lands on /login and says it.
 */
async function expectTold(first: Page, javaScriptEnabled: boolean, notice: keyof typeof words) {
	if (!javaScriptEnabled) await first.reload();
	await expect(first).toHaveURL(/\/login/);
	await expect(first.getByTestId(notice)).toHaveText(words[notice]);
	await expect(first.getByRole('alert')).toHaveText(words[notice]);
	await expect(first.getByTestId('account-name')).toHaveCount(0);
}

// Two or three logins (password hashing) per test, on shared CPUs.
test.beforeEach(() => test.slow());

for (const javaScriptEnabled of [true, false]) {
	test.describe(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
		test('a session ended from another browser says so on the first browser', async ({
			browser
		}) => {
			const { first, second } = await onTwoBrowsers(browser, javaScriptEnabled);
			await second.getByLabel('Current password, to end sessions').fill(password);
			await second.getByRole('button', { name: 'End all other sessions' }).click();
			await expect(
				second.getByRole('status').filter({ hasText: 'Every other session was ended.' })
			).toBeVisible();
			await expectTold(first, javaScriptEnabled, 'session-ended-elsewhere');
		});

		test('a password changed elsewhere says so on the first browser', async ({ browser }) => {
			const { first, second } = await onTwoBrowsers(browser, javaScriptEnabled);
			const form = second.locator('form[action="?/password"]');
			await form.getByLabel('Current password').fill(password);
			await form.getByLabel('New password').fill('a-new-password');
			await form.getByRole('button', { name: 'Change password' }).click();
			await expect(
				second.getByRole('status').filter({ hasText: 'Your password was changed' })
			).toBeVisible();
			await expectTold(first, javaScriptEnabled, 'password-changed');
		});

		test('a user deleted by an admin is told so', async ({ browser }) => {
			const { name, first } = await onFirstBrowser(browser, javaScriptEnabled);
			const admin = await (await browser.newContext()).newPage();
			await logIn(admin, adminName);
			await admin.goto('/users');
			await waitForApp(admin);
			await admin.getByRole('button', { name: `Delete ${name}` }).click();
			await admin
				.getByRole('alertdialog')
				.getByRole('button', { name: `Delete ${name}` })
				.click();
			await expect(
				admin.getByRole('status').filter({ hasText: `${name} was deleted` })
			).toBeVisible();
			await expectTold(first, javaScriptEnabled, 'user-deleted');
		});
	});
}
