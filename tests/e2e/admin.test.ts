import { expect, type Page } from '@playwright/test';
import { adminName, logIn, register, uniqueName, waitForApp, test } from './fixtures';

async function setType(admin: Page, name: string, type: string) {
	const row = admin.getByTestId('user-row').filter({ hasText: name });
	await row.getByLabel(`Type of ${name}`).selectOption(type);
	await row.getByRole('button', { name: 'Set' }).click();
	await expect(
		admin.getByRole('status').filter({ hasText: `${name} is now ${type}` })
	).toBeVisible();
}

test('a user promoted while on /users gets the admin controls without a reload, and loses them when demoted', async ({
	browser
}) => {
	const adminPage = await (await browser.newContext()).newPage();
	await logIn(adminPage, adminName);
	const userPage = await (await browser.newContext()).newPage();
	const name = uniqueName('promoted');
	await register(userPage, name);
	await userPage.goto('/users');
	await waitForApp(userPage);
	await expect(userPage.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(userPage.getByRole('button', { name: /^Delete / })).toHaveCount(0);
	// Nothing else may reload the page: a marker set now must survive.
	await userPage.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

	await adminPage.goto('/users');
	await waitForApp(adminPage);
	await setType(adminPage, name, 'admin');
	await expect(userPage.getByRole('button', { name: `Delete ${name}` })).toBeVisible();
	await expect(userPage.getByLabel(`Type of ${name}`)).toHaveValue('admin');

	await setType(adminPage, name, 'regular');
	await expect(userPage.getByRole('button', { name: /^Delete / })).toHaveCount(0);
	await expect(
		userPage.getByTestId('user-row').filter({ hasText: name }).locator('.badge')
	).toHaveText('regular');
	expect(await userPage.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
});

test('an admin deletes a user after confirming, and the list of another viewer follows', async ({
	browser
}) => {
	const adminPage = await (await browser.newContext()).newPage();
	await logIn(adminPage, adminName);
	const victim = uniqueName('deleted');
	const victimPage = await (await browser.newContext()).newPage();
	await register(victimPage, victim);
	await victimPage.goto('/users');
	await waitForApp(victimPage);

	await adminPage.goto('/users');
	await waitForApp(adminPage);
	await adminPage.getByRole('button', { name: `Delete ${victim}` }).click();
	await expect(adminPage.getByRole('alertdialog')).toContainText(`Delete ${victim}?`);
	await adminPage
		.getByRole('alertdialog')
		.getByRole('button', { name: `Delete ${victim}` })
		.click();
	await expect(
		adminPage.getByRole('status').filter({ hasText: `${victim} was deleted` })
	).toBeVisible();
	await expect(adminPage.getByTestId('users').getByText(victim)).toHaveCount(0);
	// The deleted user's own page shows they are logged out.
	await expect(victimPage.locator('header').getByRole('link', { name: 'Log in' })).toBeVisible();
});
