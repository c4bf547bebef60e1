import { expect, test, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, waitForApp } from './fixtures';

/*
 * When the server cannot be reached, the page stays and says so, and the same click tries
 * again: a mark sent while every request fails, and an entry tapped while they do. The network
 * fails for real in the browser (every request aborted); nothing of the app is stood in for.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

const cutOff = (page: Page) => page.route('**/*', (route) => route.abort('internetdisconnected'));
const reconnect = (page: Page) => page.unroute('**/*');

/** A logged-in visitor on the live day page of a new public entry. */
async function dayPageWithEntry(page: Page) {
	const admin = await (await page.context().browser()!.newContext()).newPage();
	await logIn(admin, adminName);
	const title = uniqueName('Talk');
	const start = Math.floor(Date.now() / 60_000) * 60_000 + 30 * hour;
	const made = await api(admin, 'POST', '/api/entries', {
		title,
		start,
		end: start + hour,
		visibility: 'public'
	});
	expect(made.status, made.body).toBe(201);
	const entryId = JSON.parse(made.body).id as string;
	await register(page, uniqueName('visitor'));
	await page.goto(`/days/${new Date(start).toISOString().slice(0, 10)}`);
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	const entry = page.getByTestId('entry').filter({ hasText: title });
	await expect(entry).toBeVisible();
	return { title, entryId, entry };
}

test('a mark sent while the server cannot be reached says so in place; sent again, it is saved', async ({
	page
}) => {
	const { entryId, entry } = await dayPageWithEntry(page);
	const heading = await page.getByRole('heading', { level: 1 }).textContent();

	await cutOff(page);
	await entry.getByRole('button', { name: /Mark/ }).click();
	await expect(page.getByTestId('interest-error')).toHaveText(
		'Could not reach the server; try again.'
	);
	// The schedule is still there, not an error page.
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading!);
	await expect(entry.getByRole('button', { name: /Mark/ })).toHaveText('☆ Mark');
	await expect(page.getByTestId('error-title')).toHaveCount(0);

	await reconnect(page);
	await entry.getByRole('button', { name: /Mark/ }).click();
	await expect(entry.getByRole('button', { name: /Mark/ })).toHaveText('★ Marked');
	await expect(page.getByTestId('interest-error')).toHaveCount(0);
	const marks = JSON.parse((await api(page, 'GET', '/api/auth/account/interests')).body);
	expect(marks.entryIds).toContain(entryId);
});

test('an entry tapped while the server cannot be reached leaves the page in place, with a message; tapped again, it opens', async ({
	page
}) => {
	const { title, entryId, entry } = await dayPageWithEntry(page);
	const dayUrl = page.url();
	await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

	await cutOff(page);
	await entry.getByRole('link', { name: title }).click();
	await expect(page.getByTestId('unreachable')).toHaveText(
		'Could not reach the server; try again.'
	);
	expect(page.url()).toBe(dayUrl);
	await expect(entry).toBeVisible();
	// Still the same document: no full load was tried (it would have shown the browser's page).
	expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

	await reconnect(page);
	await entry.getByRole('link', { name: title }).click();
	await expect(page).toHaveURL(new RegExp(`/entries/${entryId}$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
	await expect(page.getByTestId('unreachable')).toHaveCount(0);
});
