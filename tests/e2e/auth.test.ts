import { expect } from '@playwright/test';
import { logIn, register, uniqueName, waitForApp, test } from './fixtures';

for (const javaScriptEnabled of [true, false]) {
	test.describe(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
		test.use({ javaScriptEnabled });

		test('register, log out, log in', async ({ page }) => {
			const name = uniqueName(javaScriptEnabled ? 'js' : 'nojs');
			await register(page, name, javaScriptEnabled);
			await expect(page).toHaveURL('/');

			await page.getByRole('button', { name: 'Log out' }).click();
			await expect(page).toHaveURL('/login');
			await expect(page.getByTestId('account-name')).toHaveCount(0);

			await logIn(page, name, javaScriptEnabled);
			await expect(page).toHaveURL('/');
			await expect(page.getByTestId('account-name')).toHaveText(name);
		});

		test('a wrong password is told beside the form and the name is kept', async ({ page }) => {
			const name = uniqueName('wrong');
			await register(page, name, javaScriptEnabled);
			await page.getByRole('button', { name: 'Log out' }).click();
			await expect(page).toHaveURL('/login');
			await waitForApp(page, javaScriptEnabled);
			await page.getByLabel('Name').fill(name);
			await page.getByLabel('Password').fill('not-the-password');
			await page.getByRole('button', { name: 'Log in' }).click();
			await expect(page.getByRole('alert')).toHaveText('wrong name or password');
			await expect(page.getByLabel('Name')).toHaveValue(name);
		});
	});
}
