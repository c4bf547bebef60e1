import { expect } from '@playwright/test';
import { adminName, logIn, register, uniqueName, waitForApp, test } from './fixtures';

const newPassword = 'reset-password-123';

for (const javaScriptEnabled of [true, false]) {
	test.describe(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
		test('an admin makes a reset link; the user sets a new password elsewhere, the old browser is logged out and the new password works', async ({
			browser
		}) => {
			// Five browsers, one after another.
			test.slow();
			const newPage = async () => (await browser.newContext({ javaScriptEnabled })).newPage();
			const name = uniqueName(javaScriptEnabled ? 'reset-js' : 'reset-nojs');
			const oldBrowser = await newPage();
			await register(oldBrowser, name, javaScriptEnabled);
			// A fresh page load, so its stream is opened with the user's session.
			await oldBrowser.goto('/');
			await waitForApp(oldBrowser, javaScriptEnabled);
			if (javaScriptEnabled) {
				await expect(oldBrowser.getByTestId('stream-status')).toHaveAttribute(
					'data-status',
					'live'
				);
			}

			const admin = await newPage();
			await logIn(admin, adminName, javaScriptEnabled);
			await admin.goto('/admin');
			await waitForApp(admin, javaScriptEnabled);
			await admin.getByLabel('User', { exact: true }).selectOption({ label: name });
			await admin.getByRole('button', { name: 'Create password reset link' }).click();
			const field = admin.getByTestId('password-reset-url');
			await expect(field).toHaveAttribute('readonly', '');
			const link = await field.inputValue();
			expect(link).toMatch(/\/reset-password\?token=[\w-]{43}$/);

			const elsewhere = await newPage();
			await elsewhere.goto(link);
			await waitForApp(elsewhere, javaScriptEnabled);
			await elsewhere.getByLabel('New password', { exact: true }).fill(newPassword);
			await elsewhere.getByLabel('New password again').fill(newPassword);
			await elsewhere.getByRole('button', { name: 'Set password' }).click();
			await expect(elsewhere).toHaveURL('/');
			await expect(elsewhere.getByTestId('account-name')).toHaveText(name);

			// With JavaScript the old page follows at once; without, its next page shows it.
			if (!javaScriptEnabled) await oldBrowser.reload();
			await expect(
				oldBrowser.locator('header').getByRole('link', { name: 'Log in' })
			).toBeVisible();

			// The link was used up.
			const again = await newPage();
			const response = await again.goto(link);
			expect(response?.status()).toBe(410);
			await expect(again.getByText('That password reset link was already used')).toBeVisible();

			const later = await newPage();
			await later.goto('/login');
			await waitForApp(later, javaScriptEnabled);
			await later.getByLabel('Name').fill(name);
			await later.getByLabel('Password').fill(newPassword);
			await later.getByRole('button', { name: 'Log in' }).click();
			await expect(later.getByTestId('account-name')).toHaveText(name);
		});

		test("an admin sees a user's link on their page, revokes it, and the audit trail tells", async ({
			browser
		}) => {
			const newPage = async () => (await browser.newContext({ javaScriptEnabled })).newPage();
			const name = uniqueName(javaScriptEnabled ? 'revoke-js' : 'revoke-nojs');
			await register(await newPage(), name, javaScriptEnabled);
			const admin = await newPage();
			await logIn(admin, adminName, javaScriptEnabled);
			await admin.goto('/admin');
			await waitForApp(admin, javaScriptEnabled);
			await admin.getByLabel('User', { exact: true }).selectOption({ label: name });
			await admin.getByRole('button', { name: 'Create password reset link' }).click();
			const link = await admin.getByTestId('password-reset-url').inputValue();

			const response = await admin.request.get('/api/users');
			const users = (await response.json()) as { id: string; name: string }[];
			const id = users.find((user) => user.name === name)!.id;
			await admin.goto(`/users/${id}`);
			await waitForApp(admin, javaScriptEnabled);
			const listed = admin.getByTestId('user-reset');
			await expect(listed).toHaveCount(1);
			await expect(listed).toContainText(`made by ${adminName}`);
			await listed.getByRole('button', { name: 'Revoke' }).click();
			await expect(admin.getByText('The password reset link was revoked.')).toBeVisible();
			await expect(admin.getByTestId('no-resets')).toBeVisible();

			const holder = await newPage();
			expect((await holder.goto(link))?.status()).toBe(400);

			await admin.goto('/users/audit');
			await waitForApp(admin, javaScriptEnabled);
			await admin.getByLabel('Kind').selectOption({ label: 'reset links revoked' });
			await admin.getByRole('button', { name: 'Show' }).click();
			const rows = admin.getByTestId('audit-row').filter({ hasText: name });
			await expect(rows.and(admin.locator('[data-action="password-reset-revoke"]'))).toHaveCount(1);
			await expect(admin.locator('[data-action="password-reset-create"]')).toHaveCount(0);
		});
	});
}
