import { expect, type Page } from '@playwright/test';
import { logIn, password, uniqueName, waitForApp, test } from './fixtures';
import { registerFirstAdmin } from './global-setup';

/*
 * Runs against a server of its own (the `registration` project): switching registration off
 * would otherwise refuse the registrations of every other test.
 */
test.describe.configure({ mode: 'serial' });

const registrar = 'registrar';

test.beforeAll(async ({ browserName }, testInfo) => {
	expect(browserName).toBe('chromium');
	// The first user of this server's empty database becomes its admin.
	expect([201, 409]).toContain(await registerFirstAdmin(testInfo.project.use.baseURL!, registrar));
});

async function setRegistration(
	admin: Page,
	mode: 'open' | 'invite' | 'closed',
	label: RegExp,
	javaScript = true
) {
	await admin.goto('/admin');
	await waitForApp(admin, javaScript);
	await admin.getByRole('radio', { name: label }).check();
	await admin.getByRole('button', { name: 'Save settings' }).click();
	await expect(admin.getByTestId('current-registration')).toHaveAttribute('data-mode', mode);
}

test('an admin closes registration and an open register page says so at once, without a reload', async ({
	browser
}) => {
	const admin = await (await browser.newContext()).newPage();
	await logIn(admin, registrar);
	await admin.goto('/admin');
	await waitForApp(admin);

	const visitor = await (await browser.newContext()).newPage();
	await visitor.goto('/register');
	await waitForApp(visitor);
	await expect(visitor.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(visitor.getByRole('button', { name: 'Register' })).toBeVisible();
	// Survives only if the page is never reloaded.
	await visitor.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

	// A second admin page, open all along, follows too.
	const watcher = await admin.context().newPage();
	await watcher.goto('/admin');
	await waitForApp(watcher);
	await expect(watcher.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');

	await setRegistration(admin, 'closed', /^Closed/);
	await expect(visitor.getByText('Registration is closed')).toBeVisible();
	await expect(watcher.getByTestId('current-registration')).toHaveText('closed');
	await expect(watcher.getByTestId('current-registration')).toHaveAttribute('data-mode', 'closed');
	await expect(watcher.getByRole('radio', { name: /^Closed/ })).toBeChecked();
	await expect(visitor.getByRole('button', { name: 'Register' })).toHaveCount(0);

	await setRegistration(admin, 'invite', /^By invitation/);
	await expect(visitor.getByLabel('Invitation')).toBeVisible();

	await setRegistration(admin, 'open', /^Open/);
	await expect(visitor.getByRole('button', { name: 'Register' })).toBeVisible();
	await expect(visitor.getByLabel('Invitation')).toHaveCount(0);
	expect(await visitor.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
});

test.describe('with JavaScript off', () => {
	test.use({ javaScriptEnabled: false });

	test('an admin creates an invitation and a newcomer registers with its link', async ({
		browser
	}) => {
		const admin = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await logIn(admin, registrar, false);
		await expect(admin.getByRole('link', { name: 'Admin' })).toBeVisible();
		await setRegistration(admin, 'invite', /^By invitation/, false);

		await admin.getByLabel('Valid for').selectOption('24');
		await admin.getByRole('button', { name: 'Create invitation' }).click();
		const url = await admin.getByTestId('invitation-url').inputValue();
		expect(url).toMatch(/\/register\?invitation=[A-Za-z0-9_-]{43}$/);
		await expect(admin.getByTestId('invitation-row')).toHaveCount(1);

		const newcomer = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await newcomer.goto(url);
		await expect(newcomer.getByText('Registration needs an invitation')).toBeVisible();
		await expect(newcomer.getByLabel('Invitation')).toHaveValue(
			new URL(url).searchParams.get('invitation')!
		);
		const name = uniqueName('invited');
		await newcomer.getByLabel('Name').fill(name);
		await newcomer.getByLabel('Password').fill(password);
		await newcomer.getByRole('button', { name: 'Register' }).click();
		await expect(newcomer.getByTestId('account-name')).toHaveText(name);

		// The link is used up: a second person is told so.
		const second = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
		await second.goto(url);
		await second.getByLabel('Name').fill(uniqueName('second'));
		await second.getByLabel('Password').fill(password);
		await second.getByRole('button', { name: 'Register' }).click();
		await expect(second.getByText('that invitation was already used')).toBeVisible();

		await admin.goto('/admin');
		await expect(admin.getByTestId('invitation-row')).toContainText(`used by ${name}`);
		await setRegistration(admin, 'open', /^Open/, false);
	});
});
