import { expect, type Browser, type Page } from '@playwright/test';
import {
	adminName,
	api,
	logIn,
	register,
	uniqueName,
	waitForApp,
	test,
	openLive
} from './fixtures';

/*
 * The schedule in Chromium: an admin's changes reach open pages of every level live,
 * the location filter works without JavaScript, a promoted user sees crew entries without a
 * reload, and the page fits a 360 px wide phone.
 */

const hour = 3_600_000;
// Each test drives two or three browsers on a shared machine.
test.describe.configure({ timeout: 90_000 });

async function newPage(browser: Browser, javaScriptEnabled = true, width?: number) {
	const context = await browser.newContext({
		javaScriptEnabled,
		...(width ? { viewport: { width, height: 760 } } : {})
	});
	return context.newPage();
}

async function adminPage(browser: Browser, javaScriptEnabled = true) {
	const page = await newPage(browser, javaScriptEnabled);
	await logIn(page, adminName, javaScriptEnabled);
	return page;
}

async function createLocation(admin: Page, name: string): Promise<string> {
	const { status, body } = await api(admin, 'POST', '/api/locations', { name });
	expect(status).toBe(201);
	return JSON.parse(body).id;
}

// A day from now, on a whole minute as entry times must be; the main server's zone is UTC.
const tomorrow = Math.floor(Date.now() / 60_000) * 60_000 + 24 * hour;
const dayPath = (ms: number) => `/days/${new Date(ms).toISOString().slice(0, 10)}`;

async function createEntry(admin: Page, fields: Record<string, unknown>): Promise<string> {
	const start = tomorrow;
	const { status, body } = await api(admin, 'POST', '/api/entries', {
		start,
		end: start + hour,
		...fields
	});
	expect(status, body).toBe(201);
	return JSON.parse(body).id;
}

test('an admin adds a draft, publishes it and a public page shows it live; hiding it removes it', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	// Something public, so the public page shows a schedule rather than the empty notice.
	await createEntry(admin, { title: uniqueName('already-public'), visibility: 'public' });
	// The day the draft is on: its page shows entries published there live.
	const visitor = await newPage(browser);
	await openLive(visitor, '/days/2030-07-04');

	const title = uniqueName('Draft show');
	await openLive(admin, '/admin/entries');
	const form = admin.getByTestId('entry-form');
	await form.getByLabel('Title').fill(title);
	await form.getByLabel('Starts').fill('2030-07-04T18:00');
	await form.getByLabel('Ends').fill('2030-07-04T19:30');
	await form.getByRole('button', { name: 'Add entry' }).click();
	const row = admin.getByTestId('admin-entry').filter({ hasText: title });
	await expect(row).toHaveAttribute('data-visibility', 'draft');
	await expect(visitor.getByText(title)).toHaveCount(0);

	await row.getByLabel(`Visibility of ${title}`).selectOption('public');
	await row.getByRole('button', { name: 'Set' }).click();
	await expect(visitor.getByTestId('entry').filter({ hasText: title })).toBeVisible();
	await expect(visitor.getByTestId('entry').filter({ hasText: title })).toContainText('18:00');
	// The admin's page shows the change before the next one is chosen: its late update would
	// otherwise set the select back to the value it brings.
	await expect(row).toHaveAttribute('data-visibility', 'public');

	await row.getByLabel(`Visibility of ${title}`).selectOption('draft');
	await row.getByRole('button', { name: 'Set' }).click();
	await expect(visitor.getByTestId('entry').filter({ hasText: title })).toHaveCount(0);
});

test('without JavaScript: an admin adds and publishes an entry, and the location filter works as a query', async ({
	browser
}) => {
	const helper = await adminPage(browser);
	const hall = uniqueName('Hall');
	const tent = uniqueName('Tent');
	const hallId = await createLocation(helper, hall);
	await createLocation(helper, tent);
	const inTent = uniqueName('In the tent');
	await createEntry(helper, {
		title: inTent,
		visibility: 'public',
		start: Date.UTC(2030, 6, 5, 12),
		end: Date.UTC(2030, 6, 5, 13),
		locationId: (
			JSON.parse((await api(helper, 'GET', '/api/locations')).body) as {
				id: string;
				name: string;
			}[]
		).find((l) => l.name === tent)!.id
	});

	const admin = await adminPage(browser, false);
	await admin.goto('/admin/entries');
	const title = uniqueName('No-JS talk');
	const form = admin.getByTestId('entry-form');
	await form.getByLabel('Title').fill(title);
	await form.getByLabel('Location').selectOption({ label: hall });
	await form.getByLabel('Visibility').selectOption('public');
	await form.getByLabel('Starts').fill('2030-07-05T10:00');
	await form.getByLabel('Ends').fill('2030-07-05T11:00');
	await form.getByRole('button', { name: 'Add entry' }).click();
	await expect(admin.getByRole('status')).toContainText(`${title} added.`);

	const visitor = await newPage(browser, false);
	await visitor.goto('/days/2030-07-05');
	const inDays = (text: string) =>
		visitor.getByTestId('day').getByTestId('entry').filter({ hasText: text });
	await expect(inDays(title)).toBeVisible();
	await expect(inDays(inTent)).toBeVisible();
	await visitor.getByLabel('Location').selectOption({ label: hall });
	await visitor.getByRole('button', { name: 'Show' }).click();
	await expect(visitor).toHaveURL(`/days/2030-07-05?location=${hallId}`);
	await expect(inDays(title)).toBeVisible();
	await expect(visitor.getByTestId('entry').filter({ hasText: inTent })).toHaveCount(0);
});

test('a regular user promoted to crew sees crew entries and their notes appear without a reload', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const crewTitle = uniqueName('Crew briefing');
	await createEntry(admin, { title: crewTitle, visibility: 'crew', crewNotes: 'Bring a torch' });

	const user = await newPage(browser);
	await register(user, uniqueName('helper'));
	await openLive(user, dayPath(tomorrow));
	const { body } = await api(user, 'GET', '/api/auth/session');
	const userId = JSON.parse(body).session.account.id;
	await user.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
	await expect(user.getByText(crewTitle)).toHaveCount(0);

	expect((await api(admin, 'PATCH', `/api/users/${userId}`, { type: 'crew' })).status).toBe(200);
	const entry = user.getByTestId('entry').filter({ hasText: crewTitle });
	await expect(entry.first()).toBeVisible();
	await expect(entry.first()).toHaveAttribute('data-visibility', 'crew');
	// The same document: no reload happened.
	expect(await user.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

	expect((await api(admin, 'PATCH', `/api/users/${userId}`, { type: 'regular' })).status).toBe(200);
	await expect(user.getByTestId('entry').filter({ hasText: crewTitle })).toHaveCount(0);
	expect(await user.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
});

test('at 360 px wide the schedule and an entry fit without sideways scrolling', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const id = await createEntry(admin, {
		title: `${uniqueName('A rather long title for a workshop')} that wraps on a phone`,
		description: 'Plain text.\nOn two lines.',
		visibility: 'public'
	});
	const phone = await newPage(browser, true, 360);
	const today = dayPath(Date.now());
	for (const path of ['/', today, `/entries/${id}`]) {
		await phone.goto(path);
		await waitForApp(phone);
		const width = await phone.evaluate(() => document.documentElement.scrollWidth);
		expect(width, path).toBeLessThanOrEqual(360);
	}
	// Landmarks and headings for screen readers; today's page says what is on now.
	await phone.goto(today);
	await expect(phone.getByRole('main')).toBeVisible();
	await expect(phone.getByRole('heading', { level: 2, name: 'On now' })).toBeVisible();
	await expect(phone.getByRole('form', { name: 'Filter the schedule' })).toBeVisible();
});

test('the day’s one mark form marks and unmarks, without JavaScript back at the entry, with it keeping focus', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const title = uniqueName('Markable talk');
	const start = Date.UTC(2030, 6, 6, 10);
	await createEntry(admin, { title, visibility: 'public', start, end: start + hour });
	const path = '/days/2030-07-06';
	for (const javaScriptEnabled of [false, true]) {
		const user = await newPage(browser, javaScriptEnabled);
		await register(user, uniqueName('marker'), javaScriptEnabled);
		await user.goto(path);
		await waitForApp(user, javaScriptEnabled);
		const listed = user.getByTestId('day').getByTestId('entry').filter({ hasText: title });
		// Its name is what it shows; the entry's title describes it.
		const mark = listed.getByRole('button', { name: '☆ Mark', description: title });
		await mark.click();
		const marked = listed.getByRole('button', { name: '★ Marked', description: title });
		await expect(marked).toHaveAttribute('aria-pressed', 'true');
		if (javaScriptEnabled) {
			await expect(marked).toBeFocused();
			await expect(user).toHaveURL(path);
		} else {
			await expect(user).toHaveURL(new RegExp(`${path}#entry-`));
		}
		await marked.click();
		await expect(mark).toHaveAttribute('aria-pressed', 'false');
		if (javaScriptEnabled) await expect(mark).toBeFocused();
		const marks = await user.request.get('/api/auth/account/interests');
		expect((await marks.json()).entryIds).toEqual([]);
	}
});
