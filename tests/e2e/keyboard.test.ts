import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, waitForApp, test } from './fixtures';

/*
 * The schedule with a keyboard in Chromium (issue 21, point 9): a skip link is the first stop
 * of the Tab key on every page, the location filter waits for its Show button, and the focus
 * stays on Mark, Sign up and Leave (or the button that replaces it) after pressing them.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

async function newPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
	return (await browser.newContext({ javaScriptEnabled })).newPage();
}

/** An instant on a whole minute, days ahead, that no other test's entry or shift is likely at. */
function someDayAhead(): number {
	const day = 24 * hour;
	return Math.floor((Date.now() + 30 * day) / day) * day + Math.floor(Math.random() * 2000) * day;
}

for (const javaScript of [true, false]) {
	test(`the first Tab reaches a skip link that leads past the bar (JavaScript ${javaScript ? 'on' : 'off'})`, async ({
		browser
	}) => {
		// The schedule has an entry, so its filter is the first control after the skip.
		const admin = await newPage(browser);
		await logIn(admin, adminName);
		const start = someDayAhead();
		const made = await api(admin, 'POST', '/api/entries', {
			title: uniqueName('Talk'),
			start,
			end: start + hour,
			visibility: 'public'
		});
		expect(made.status, made.body).toBe(201);
		const page = await newPage(browser, javaScript);
		for (const [path, text] of [
			['/', 'Skip to the schedule'],
			['/login', 'Skip to the content']
		]) {
			await page.goto(path);
			await waitForApp(page, javaScript);
			await page.keyboard.press('Tab');
			const skip = page.getByRole('link', { name: text });
			await expect(skip).toBeFocused();
			await expect(skip).toBeInViewport();
			await page.keyboard.press('Enter');
			await expect(page.locator('main')).toBeFocused();
			// The next stop is the page's own first control, not the bar's links.
			await page.keyboard.press('Tab');
			await expect
				.poll(() => page.evaluate(() => document.activeElement?.closest('main')?.id))
				.toBe('main');
		}
	});
}

test('arrow keys on the location filter change nothing until Show is pressed', async ({
	browser
}) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const start = someDayAhead();
	const date = new Date(start).toISOString().slice(0, 10);
	const locationIds: string[] = [];
	for (const name of [uniqueName('Aa hall'), uniqueName('Ab hall')]) {
		const location = await api(admin, 'POST', '/api/locations', { name });
		expect(location.status, location.body).toBe(201);
		const { id } = JSON.parse(location.body);
		locationIds.push(id);
		const entry = await api(admin, 'POST', '/api/entries', {
			title: uniqueName('Talk'),
			start,
			end: start + hour,
			locationId: id,
			visibility: 'public'
		});
		expect(entry.status, entry.body).toBe(201);
	}

	const visitor = await newPage(browser);
	await visitor.goto(`/days/${date}`);
	await waitForApp(visitor);
	const select = visitor.getByLabel('Location');
	const options = await select
		.locator('option')
		.evaluateAll((all) => all.map((option) => (option as HTMLOptionElement).value));
	// Every location is listed by name: the two of this test are next to each other.
	const first = options.indexOf(locationIds[0]);
	expect(options[first + 1]).toBe(locationIds[1]);
	const asked: string[] = [];
	visitor.on('request', (request) => {
		const location = new URL(request.url()).searchParams.get('location');
		if (location !== null) asked.push(location);
	});

	await select.selectOption(options[first - 1]);
	await select.focus();
	await visitor.keyboard.press('ArrowDown');
	await visitor.keyboard.press('ArrowDown');
	await expect(select).toHaveValue(locationIds[1]);
	await visitor.getByRole('button', { name: 'Show' }).click();
	await expect(visitor).toHaveURL(`/days/${date}?location=${locationIds[1]}`);
	// One page was asked for: the one chosen, not one per key.
	expect(asked).toEqual([locationIds[1]]);
});

test('the focus stays on Mark on an entry page after pressing it', async ({ browser }) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const start = someDayAhead();
	const title = uniqueName('Talk');
	const made = await api(admin, 'POST', '/api/entries', {
		title,
		start,
		end: start + hour,
		visibility: 'public'
	});
	expect(made.status, made.body).toBe(201);
	const visitor = await newPage(browser);
	await register(visitor, uniqueName('visitor'));
	await visitor.goto(`/entries/${JSON.parse(made.body).id}`);
	await waitForApp(visitor);

	const mark = visitor.getByRole('button', { name: '☆ Mark', description: title });
	await mark.focus();
	await visitor.keyboard.press('Enter');
	const marked = visitor.getByRole('button', { name: '★ Marked', description: title });
	await expect(marked).toHaveAttribute('aria-pressed', 'true');
	await expect(marked).toBeFocused();
	await visitor.keyboard.press('Enter');
	await expect(mark).toHaveAttribute('aria-pressed', 'false');
	await expect(mark).toBeFocused();
});

test('after Sign up the focus is on Leave, and after Leave on Sign up', async ({ browser }) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const crew = await newPage(browser);
	const name = uniqueName('crew');
	await register(crew, name);
	const [{ id }] = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body);
	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'crew' })).status).toBe(200);
	const role = uniqueName('Gate');
	const start = someDayAhead();
	const made = await api(admin, 'POST', '/api/shifts', {
		role,
		start,
		end: start + 2 * hour,
		needed: 2
	});
	expect(made.status, made.body).toBe(201);

	await crew.goto('/shifts');
	await waitForApp(crew);
	await expect(crew.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	const signUp = crew.getByRole('button', { name: `Sign up for ${role}` });
	const leave = crew.getByRole('button', { name: `Leave ${role}` });
	await signUp.focus();
	await crew.keyboard.press('Enter');
	await expect(leave).toBeFocused();
	await crew.keyboard.press('Enter');
	await expect(signUp).toBeFocused();
	await crew.keyboard.press('Enter');
	await expect(leave).toBeFocused();
});
