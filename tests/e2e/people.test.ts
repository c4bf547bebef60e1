import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';

/** A new browser with a user registered in it (JavaScript on unless told). */
async function newBrowser(browser: Browser, name: string, javaScript = true) {
	const context = await browser.newContext({ javaScriptEnabled: javaScript });
	const page = await context.newPage();
	await register(page, name, javaScript);
	return page;
}

async function adminPage(browser: Browser, javaScript = true): Promise<Page> {
	const context = await browser.newContext({ javaScriptEnabled: javaScript });
	const page = await context.newPage();
	await logIn(page, adminName, javaScript);
	return page;
}

/** The /users page searched for one name, so the row is there however many users exist. */
async function usersFor(page: Page, name: string, javaScript = true) {
	await page.goto(`/users?q=${encodeURIComponent(name)}`);
	await waitForApp(page, javaScript);
	return page.getByTestId('user-row').filter({ hasText: name });
}

async function idOf(page: Page, name: string): Promise<string> {
	const row = page.getByTestId('user-row').filter({ hasText: name });
	return (await row.getAttribute('data-user-id'))!;
}

test.describe('the type select shows the stored type', () => {
	test('after Set it shows the new type, and still does once the event has come', async ({
		browser
	}) => {
		const name = uniqueName('typed');
		await newBrowser(browser, name);
		const admin = await adminPage(browser);
		const row = await usersFor(admin, name);
		await expect(admin.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		const select = row.getByLabel(`Type of ${name}`);
		await select.selectOption('crew');
		await row.getByRole('button', { name: 'Set' }).click();
		await expect(
			admin.getByRole('status').filter({ hasText: `${name} is now crew.` })
		).toBeVisible();
		await expect(select).toHaveValue('crew');
		// The event and the reload of the page's data have both arrived by now; it stays.
		await admin.waitForTimeout(500);
		await expect(select).toHaveValue('crew');
	});

	test('after a refusal it goes back to the stored type', async ({ browser }) => {
		const name = uniqueName('refused');
		await newBrowser(browser, name);
		const admin = await adminPage(browser);
		// Hold the stream back, so the page still shows the user after it is deleted.
		await admin.routeWebSocket(/\/api\/events/, () => {});
		const row = await usersFor(admin, name);
		const id = await idOf(admin, name);
		const origin = new URL(admin.url()).origin;
		const deleted = await admin.request.delete(`/api/users/${id}`, { headers: { origin } });
		expect(deleted.status()).toBe(204);

		const select = row.getByLabel(`Type of ${name}`);
		await select.selectOption('admin');
		await row.getByRole('button', { name: 'Set' }).click();
		await expect(admin.getByRole('alert')).toHaveText('no such user');
		await expect(select).toHaveValue('regular');
	});

	test.describe('without JavaScript', () => {
		test.use({ javaScriptEnabled: false });

		test('the page after Set shows the new type', async ({ browser }) => {
			const name = uniqueName('typed-nojs');
			await newBrowser(browser, name, false);
			const admin = await adminPage(browser, false);
			const row = await usersFor(admin, name, false);
			await row.getByLabel(`Type of ${name}`).selectOption('crew');
			await row.getByRole('button', { name: 'Set' }).click();
			await expect(
				admin.getByRole('status').filter({ hasText: `${name} is now crew.` })
			).toBeVisible();
			await expect(
				admin.getByTestId('user-row').filter({ hasText: name }).getByLabel(`Type of ${name}`)
			).toHaveValue('crew');
		});
	});
});

for (const javaScript of [true, false]) {
	test.describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled: javaScript });

		test('search finds users by part of their name, ignoring case', async ({ browser }) => {
			const stem = uniqueName('Findme');
			await newBrowser(browser, `${stem}-one`, javaScript);
			await newBrowser(browser, `${stem}-two`, javaScript);
			const admin = await adminPage(browser, javaScript);
			await admin.goto('/users');
			await waitForApp(admin, javaScript);
			await admin.getByLabel('Search by name').fill(stem.toUpperCase());
			await admin.getByRole('button', { name: 'Search' }).click();
			await expect(admin).toHaveURL(/q=/);
			await expect(admin.getByTestId('user-row')).toHaveCount(2);
			await expect(admin.getByTestId('users-count')).toHaveText('2 users');
		});

		test('an admin renames a user on their page', async ({ browser }) => {
			const name = uniqueName('old');
			await newBrowser(browser, name, javaScript);
			const admin = await adminPage(browser, javaScript);
			const row = await usersFor(admin, name, javaScript);
			await row.getByRole('link', { name }).click();
			await expect(admin.getByTestId('user-name')).toHaveText(name);
			await waitForApp(admin, javaScript);
			const renamed = uniqueName('new');
			await admin.getByLabel('New name').fill(renamed);
			await admin.getByRole('button', { name: 'Rename' }).click();
			await expect(
				admin.getByRole('status').filter({ hasText: `Renamed to ${renamed}.` })
			).toBeVisible();
			await expect(admin.getByTestId('user-name')).toHaveText(renamed);
			await expect(await usersFor(admin, renamed, javaScript)).toHaveCount(1);
		});

		test('an admin suspends a user, who cannot log in, then lifts it; the audit trail tells', async ({
			browser
		}) => {
			const name = uniqueName('suspect');
			const user = await newBrowser(browser, name, javaScript);
			if (javaScript) {
				// A full load: a stream opened before the client-side registration stays public.
				await user.goto('/users');
				await waitForApp(user);
				await expect(user.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
			}
			const admin = await adminPage(browser, javaScript);
			const row = await usersFor(admin, name, javaScript);
			await row.getByRole('link', { name }).click();
			await waitForApp(admin, javaScript);
			await expect(admin.getByTestId('user-session')).toHaveCount(1);
			await admin.getByRole('button', { name: `Suspend ${name}` }).click();
			await expect(admin.getByTestId('suspended')).toBeVisible();
			await expect(admin.getByTestId('no-sessions')).toBeVisible();

			if (javaScript) {
				// The user's open page learns at once that the session ended.
				await expect(user.getByTestId('account-name')).toHaveCount(0);
			}
			await user.goto('/login');
			await waitForApp(user, javaScript);
			await user.getByLabel('Name').fill(name);
			await user.getByLabel('Password').fill(password);
			await user.getByRole('button', { name: 'Log in' }).click();
			await expect(user.getByText('this account is suspended; ask an admin')).toBeVisible();

			await admin.getByRole('button', { name: 'Lift the suspension' }).click();
			await expect(admin.getByTestId('suspended')).toHaveCount(0);
			await user.getByLabel('Password').fill(password);
			await user.getByRole('button', { name: 'Log in' }).click();
			await expect(user.getByTestId('account-name')).toHaveText(name);

			// The user's own records: the whole suite's audit trail moves on meanwhile.
			const target = new URL(admin.url()).pathname.split('/').at(-1)!;
			await admin.goto(`/users/audit?target=${target}`);
			const rows = admin.getByTestId('audit-row').filter({ hasText: name });
			await expect(rows.and(admin.locator('[data-action="user-suspend"]'))).toHaveCount(1);
			await expect(rows.and(admin.locator('[data-action="user-unsuspend"]'))).toHaveCount(1);
		});

		test("an admin ends one of a user's sessions", async ({ browser }) => {
			const name = uniqueName('ended');
			const user = await newBrowser(browser, name, javaScript);
			const admin = await adminPage(browser, javaScript);
			const row = await usersFor(admin, name, javaScript);
			await row.getByRole('link', { name }).click();
			await waitForApp(admin, javaScript);
			await admin.getByTestId('user-session').getByRole('button', { name: 'End' }).click();
			await expect(admin.getByTestId('no-sessions')).toBeVisible();
			await user.goto('/account');
			await expect(user.getByTestId('account-name')).toHaveCount(0);
		});
	});
}
