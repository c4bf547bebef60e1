import { expect } from '@playwright/test';
import { logIn, register, uniqueName, waitForApp, test } from './fixtures';

const notice =
	'Your session was used from somewhere else, so we ended it to protect you. Log in again.';

test('a copied cookie used after rotation ends the session: the owner is told, the thief is logged out', async ({
	browser
}) => {
	const ownerContext = await browser.newContext();
	const owner = await ownerContext.newPage();
	await register(owner, uniqueName('owner'));
	const registeredAt = Date.now();
	// The owner walks away; the thief has a copy of the cookie.
	await owner.goto('about:blank');
	const thiefContext = await browser.newContext();
	await thiefContext.addCookies(await ownerContext.cookies());

	// The rotation time passes and the thief makes a request: it is handed the new session.
	await owner.waitForTimeout(Math.max(0, registeredAt + 2_100 - Date.now()));
	const thief = await thiefContext.newPage();
	await thief.goto('/users');
	await waitForApp(thief);
	await expect(thief.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(thief.getByTestId('account-name')).toBeVisible();

	// After the grace window the owner, with the old cookie, opens the app.
	await owner.waitForTimeout(1_100);
	await owner.goto('/');
	await expect(owner.getByTestId('session-taken')).toHaveText(notice);
	await expect(owner.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();

	// The thief's open page shows it was logged out, without a reload.
	await expect(thief.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();
	await expect(thief.getByTestId('session-taken')).toHaveText(notice);
	await expect(thief.getByTestId('account-name')).toHaveCount(0);

	// The notice is shown once per presentation: the cleared cookie leaves a plain visitor.
	await owner.goto('/');
	await expect(owner.getByTestId('session-taken')).toHaveCount(0);
});

for (const javaScriptEnabled of [true, false]) {
	test(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}, the owner coming back straight to /account lands on /login with the theft notice, and the record names both browsers`, async ({
		browser
	}) => {
		// Two logins (password hashing) and the rotation and grace waits, on shared CPUs.
		test.slow();
		const ownerContext = await browser.newContext({
			javaScriptEnabled,
			userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0'
		});
		const owner = await ownerContext.newPage();
		const name = uniqueName('owner');
		await register(owner, name, javaScriptEnabled);
		const registeredAt = Date.now();
		await owner.goto('about:blank');
		const thiefContext = await browser.newContext({
			userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/128.0 Safari/537.36'
		});
		await thiefContext.addCookies(await ownerContext.cookies());

		await owner.waitForTimeout(Math.max(0, registeredAt + 2_100 - Date.now()));
		const thief = await thiefContext.newPage();
		await thief.goto('/users');
		await expect(thief.getByTestId('account-name')).toBeVisible();

		await owner.waitForTimeout(1_100);
		await owner.goto('/account');
		await expect(owner).toHaveURL(/\/login\?notice=session-taken&next=\/account$/);
		await waitForApp(owner, javaScriptEnabled);
		await expect(owner.getByRole('alert')).toHaveText(notice);

		// The owner logs in again: the record says which browser came first and which second.
		await logIn(owner, name, javaScriptEnabled);
		await owner.goto('/account');
		await expect(owner.getByTestId('security-records')).toContainText(
			'first on Chrome on Windows, then on Firefox on Linux (second)'
		);
	});
}
