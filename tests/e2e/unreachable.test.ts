import { expect, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, waitForApp, test } from './fixtures';

/*
 * When the server cannot be reached, the page stays and says so, and the same click tries
 * again: a mark sent while every request fails, and an entry tapped while they do. The network
 * fails for real in the browser (every request aborted); nothing of the app is stood in for.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

// What the page does when its requests fail. A service worker would make them itself, where
// page.route cannot fail them (docs/offline.md covers the worker with no network).
test.use({ serviceWorkers: 'block' });

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
	const mark = entry.getByRole('button', { name: /Mark/ });

	await cutOff(page);
	await mark.click();
	await expect(page.getByTestId('unreachable')).toHaveText(
		'Could not reach the server; try again.'
	);
	await expect(page.getByTestId('unreachable')).toBeInViewport();
	// The schedule is still there, not an error page.
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading!);
	await expect(mark).toHaveText('☆ Mark');
	await expect(page.getByTestId('error-title')).toHaveCount(0);

	await reconnect(page);
	await mark.click();
	await expect(mark).toHaveText('★ Marked');
	await expect(page.getByTestId('unreachable')).toHaveCount(0);
	const marks = JSON.parse((await api(page, 'GET', '/api/auth/account/interests')).body);
	expect(marks.entryIds).toContain(entryId);
});

test('signing up for a shift and leaving it while the server cannot be reached: the page stays, and the retry goes through', async ({
	browser
}) => {
	const admin = await (await browser.newContext()).newPage();
	await logIn(admin, adminName);
	const page = await (await browser.newContext()).newPage();
	const name = uniqueName('crew');
	await register(page, name);
	const [{ id }] = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body);
	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'crew' })).status).toBe(200);
	const role = uniqueName('Gate');
	const start = Date.now() + 24 * hour + Math.floor(Math.random() * 1000) * 5 * hour;
	const made = await api(admin, 'POST', '/api/shifts', {
		role,
		start,
		end: start + 2 * hour,
		needed: 2
	});
	expect(made.status, made.body).toBe(201);
	const shiftId = JSON.parse(made.body).id as string;
	const crewOf = async () =>
		JSON.parse((await api(admin, 'GET', `/api/shifts/${shiftId}`)).body).crewIds as string[];

	await page.goto('/shifts');
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	const notice = page.getByTestId('unreachable');
	for (const [button, after] of [
		[`Sign up for ${role}`, [id]],
		[`Leave ${role}`, []]
	] as const) {
		await cutOff(page);
		await page.getByRole('button', { name: button }).click();
		await expect(notice).toHaveText('Could not reach the server; try again.');
		await expect(page.getByRole('heading', { name: 'Shifts', exact: true })).toBeVisible();
		await reconnect(page);
		await page.getByRole('button', { name: button }).click();
		await expect(notice).toHaveCount(0);
		await expect.poll(crewOf).toEqual(after);
	}
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
