import { expect, type Browser } from '@playwright/test';
import { adminName, api, logIn, password, uniqueName, waitForApp, test } from './fixtures';

/*
 * Finding one's way in Chromium, JavaScript on and off: on a 360 px phone the day links are in
 * view on arrival and the search is a plain form; on a wide screen the timetable shows the
 * locations side by side; logging in comes back to the page that asked for it.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

// Days no other test uses (the main server's zone is UTC).
const firstDay = '2033-03-10';
const secondDay = '2033-03-11';
const at = (date: string, hours: number) => Date.parse(`${date}T00:00Z`) + hours * hour;

async function newPage(browser: Browser, javaScriptEnabled: boolean, width: number) {
	const context = await browser.newContext({
		javaScriptEnabled,
		viewport: { width, height: 740 }
	});
	return context.newPage();
}

let titles: { first: string; beside: string; second: string };

test.beforeAll(async ({ browser }) => {
	const admin = await newPage(browser, true, 1280);
	await logIn(admin, adminName);
	const location = async (name: string) => {
		const { status, body } = await api(admin, 'POST', '/api/locations', { name });
		expect(status, body).toBe(201);
		return JSON.parse(body).id as string;
	};
	const entry = async (fields: Record<string, unknown>) => {
		const { status, body } = await api(admin, 'POST', '/api/entries', {
			visibility: 'public',
			...fields
		});
		expect(status, body).toBe(201);
	};
	const north = await location(uniqueName('North stage'));
	const south = await location(uniqueName('South stage'));
	titles = {
		first: uniqueName('Lighthouse tour'),
		beside: uniqueName('Knot workshop'),
		second: uniqueName('Tide pools')
	};
	// Many entries on the first day, so the second day is far down any one long page.
	for (let i = 0; i < 30; i++)
		await entry({
			title: `${titles.first}${i ? ` part ${i}` : ''}`,
			start: at(firstDay, 9 + i * 0.25),
			end: at(firstDay, 9.25 + i * 0.25),
			locationId: north
		});
	await entry({
		title: titles.beside,
		start: at(firstDay, 9),
		end: at(firstDay, 10),
		locationId: south
	});
	await entry({
		title: titles.second,
		description: 'Bring boots: the rocks are slippery.',
		start: at(secondDay, 10),
		end: at(secondDay, 11),
		locationId: south
	});
	await admin.context().close();
});

for (const javaScriptEnabled of [true, false]) {
	const mode = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

	test(`at 360 px the day links are in view on arrival and lead to the next day; no timetable is offered (${mode})`, async ({
		browser
	}) => {
		const page = await newPage(browser, javaScriptEnabled, 360);
		await page.goto(`/days/${firstDay}`);
		await waitForApp(page, javaScriptEnabled);
		const days = page.getByRole('navigation', { name: 'Days of the gathering' });
		await expect(days).toBeInViewport();
		await expect(
			page.getByRole('searchbox', { name: 'Search titles and descriptions' })
		).toBeInViewport();
		await expect(page.getByTestId('timetable-link')).toBeHidden();
		await days.getByRole('link', { name: 'Fri 11 Mar' }).click();
		await expect(page).toHaveURL(new RegExp(`/days/${secondDay}$`));
		await expect(page.getByRole('link', { name: titles.second })).toBeVisible();
		await page.context().close();
	});

	test(`the search is a plain form: results link to their entry and their day (${mode})`, async ({
		browser
	}) => {
		const page = await newPage(browser, javaScriptEnabled, 360);
		await page.goto(`/days/${firstDay}`);
		await waitForApp(page, javaScriptEnabled);
		const box = page.getByRole('searchbox', { name: 'Search titles and descriptions' });
		await box.fill('SLIPPERY');
		await box.press('Enter');
		await expect(page).toHaveURL(/\/search\?q=SLIPPERY$/);
		const results = page.getByTestId('search-result');
		await expect(results).toHaveCount(1);
		await expect(results.getByRole('link', { name: titles.second })).toBeVisible();
		await results.getByRole('link', { name: 'Fri 11 Mar' }).click();
		await expect(page).toHaveURL(new RegExp(`/days/${secondDay}$`));
		await page.goBack();
		await results.getByRole('link', { name: titles.second }).click();
		await expect(page.getByRole('heading', { name: titles.second })).toBeVisible();
		await page.context().close();
	});

	test(`logging in comes back to the page that asked for it (${mode})`, async ({ browser }) => {
		const page = await newPage(browser, javaScriptEnabled, 1280);
		await page.goto('/my');
		await expect(page).toHaveURL(/\/login\?next=\/my$/);
		await waitForApp(page, javaScriptEnabled);
		await page.getByLabel('Name').fill(adminName);
		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Log in' }).click();
		await expect(page).toHaveURL(/\/my$/);
		await expect(page.getByTestId('account-name')).toHaveText(adminName);
		await page.context().close();
	});
}

test('on a wide screen the timetable shows the locations side by side, times down', async ({
	browser
}) => {
	const page = await newPage(browser, true, 1280);
	await page.goto(`/days/${firstDay}`);
	await waitForApp(page);
	await page.getByTestId('timetable-link').click();
	await expect(page).toHaveURL(new RegExp(`/days/${firstDay}\\?view=grid$`));
	const grid = page.getByTestId('timetable');
	await expect(grid).toBeVisible();
	const first = (await grid.getByRole('link', { name: titles.first, exact: true }).boundingBox())!;
	const beside = (await grid.getByRole('link', { name: titles.beside }).boundingBox())!;
	const later = (await grid
		.getByRole('link', { name: `${titles.first} part 8`, exact: true })
		.boundingBox())!;
	// Same start, two locations: one row, two columns; two hours later: further down.
	expect(Math.abs(first.y - beside.y)).toBeLessThan(4);
	expect(Math.abs(first.x - beside.x)).toBeGreaterThan(100);
	expect(later.y).toBeGreaterThan(first.y + 100);
	// The list is one link away.
	await page.getByTestId('list-link').click();
	await expect(page).toHaveURL(new RegExp(`/days/${firstDay}$`));
	await expect(page.getByTestId('timetable')).toHaveCount(0);
	await page.context().close();
});
