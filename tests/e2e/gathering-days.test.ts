import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, logIn, uniqueName, waitForApp, test } from './fixtures';

/*
 * "A day starts at": when an admin moves it, an open schedule regroups its days at once,
 * without a reload; without JavaScript the admin's form sets it and the next page load shows it.
 * The setting is the instance's: each test puts midnight back, and the tests run one at a time.
 */

test.describe.configure({ mode: 'serial', timeout: 90_000 });

const hour = 3_600_000;

async function newPage(browser: Browser, javaScriptEnabled = true) {
	return (await browser.newContext({ javaScriptEnabled })).newPage();
}

/** Calls the JSON API with the page's cookies (as an API client: no script needed on the page). */
async function api(page: Page, method: string, path: string, body?: unknown) {
	const response = await page.request.fetch(path, { method, data: body });
	return { status: response.status(), body: await response.text() };
}

/** An evening entry and one at 01:00 the night after (UTC, the main server's zone). */
async function eveningAndNight(admin: Page) {
	const titles = { evening: uniqueName('Evening set'), night: uniqueName('Night set') };
	const starts = { evening: Date.UTC(2031, 6, 4, 20), night: Date.UTC(2031, 6, 5, 1) };
	for (const key of ['evening', 'night'] as const) {
		const { status, body } = await api(admin, 'POST', '/api/entries', {
			title: titles[key],
			start: starts[key],
			end: starts[key] + hour,
			visibility: 'public'
		});
		expect(status, body).toBe(201);
	}
	return titles;
}

const inDay = (page: Page, date: string, title: string) =>
	page.locator(`[data-testid="day"][data-date="${date}"]`).getByTestId('entry').filter({
		hasText: title
	});

test('an open schedule regroups its days live when the day start changes', async ({ browser }) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const { evening, night } = await eveningAndNight(admin);
	try {
		// The evening's day: the night joins it once days start at 04:00.
		const visitor = await newPage(browser);
		await visitor.goto('/days/2031-07-04');
		await waitForApp(visitor);
		await expect(visitor.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		await visitor.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
		await expect(inDay(visitor, '2031-07-04', evening)).toBeVisible();
		await expect(inDay(visitor, '2031-07-04', night)).toHaveCount(0);

		await admin.goto('/admin');
		await waitForApp(admin);
		await expect(admin.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		const field = admin.getByLabel('A day starts at');
		await expect(field).toHaveValue('00:00');

		// The page loads its day again, once per new rule.
		const reloads: string[] = [];
		visitor.on('request', (request) => {
			if (request.url().includes('/__data.json')) reloads.push(request.url());
		});
		expect((await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '04:00' })).status).toBe(200);
		await expect(inDay(visitor, '2031-07-04', night)).toBeVisible();
		await expect(field).toHaveValue('04:00');
		// Regrouped in place: the page was not loaded again.
		expect(await visitor.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(
			42
		);

		expect((await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '00:00' })).status).toBe(200);
		await expect(inDay(visitor, '2031-07-04', night)).toHaveCount(0);
		await expect(inDay(visitor, '2031-07-04', evening)).toBeVisible();
		// Asking again while a reload ran cancelled it and asked again, without end: every open
		// schedule then hammered the server.
		expect(reloads).toHaveLength(2);
	} finally {
		await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '00:00' });
	}
});

test('a link clicked just before the day start changes still opens its page', async ({
	browser
}) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const { night } = await eveningAndNight(admin);
	try {
		const visitor = await newPage(browser);
		let newDayStart = false;
		visitor.on('websocket', (socket) =>
			socket.on('framereceived', ({ payload }) => {
				if (String(payload).includes('"dayStartsAt":"04:00"')) newDayStart = true;
			})
		);
		await visitor.goto('/days/2031-07-04');
		await waitForApp(visitor);
		await expect(visitor.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
		// The click's data is held until the change has arrived and the page has reloaded its day.
		let release = () => {};
		const released = new Promise<void>((resolve) => (release = resolve));
		let held = false;
		await visitor.route(
			(url) => url.pathname.endsWith('/__data.json') && url.searchParams.get('by') === 'location',
			async (route) => {
				held = true;
				await released;
				await route.continue();
			}
		);
		await visitor.getByRole('link', { name: 'by location' }).click();
		await expect.poll(() => held).toBe(true);
		expect((await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '04:00' })).status).toBe(200);
		await expect.poll(() => newDayStart).toBe(true);
		// The page has handled the event once its script has run to an idle point.
		await visitor.evaluate(() => new Promise((resolve) => setTimeout(resolve)));
		release();
		// The reload for the new day start waited for the click's page rather than cancelling it.
		await expect(visitor).toHaveURL(/\/days\/2031-07-04\?by=location$/);
		await expect(visitor.locator('strong', { hasText: 'by location' })).toBeVisible();
		await expect(inDay(visitor, '2031-07-04', night)).toBeVisible();
	} finally {
		await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '00:00' });
	}
});

test('without JavaScript the settings form sets the day start, and the schedule follows', async ({
	browser
}) => {
	const admin = await newPage(browser, false);
	await logIn(admin, adminName, false);
	const { night } = await eveningAndNight(admin);
	const save = async (time: string) => {
		await admin.goto('/admin');
		await admin.getByLabel('A day starts at').fill(time);
		await admin.getByRole('button', { name: 'Save settings' }).click();
		await expect(admin.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
	};
	try {
		await save('04:00');
		await expect(admin.getByLabel('A day starts at')).toHaveValue('04:00');
		const visitor = await newPage(browser, false);
		await visitor.goto('/days/2031-07-04');
		await expect(inDay(visitor, '2031-07-04', night)).toBeVisible();
		await save('00:00');
		await visitor.goto('/days/2031-07-05');
		await expect(inDay(visitor, '2031-07-05', night)).toBeVisible();
	} finally {
		await api(admin, 'PATCH', '/api/settings', { dayStartsAt: '00:00' });
	}
});
