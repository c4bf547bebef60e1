import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, waitForApp, test } from './fixtures';

/*
 * Making a crew member regular in Chromium: the admin is asked first, with how many upcoming
 * shifts it takes them off (with JavaScript and without); the shifts they worked stay; and the
 * demoted member's open /shifts page says in plain words that their crew access ended, as a
 * fresh request to /shifts does without JavaScript.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

async function newPage(browser: Browser, javaScriptEnabled = true) {
	return (await browser.newContext({ javaScriptEnabled })).newPage();
}

/** A crew member on one shift they worked and one still ahead. */
async function crewWithShifts(browser: Browser, admin: Page, javaScriptEnabled = true) {
	const page = await newPage(browser, javaScriptEnabled);
	const name = uniqueName('crew');
	await register(page, name, javaScriptEnabled);
	const [{ id }] = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body);
	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'crew' })).status).toBe(200);
	const now = Date.now();
	const ahead = now + 24 * hour + Math.floor(Math.random() * 1000) * 5 * hour;
	const shifts: Record<string, string> = {};
	for (const [key, start] of [
		['worked', now - 6 * hour],
		['upcoming', ahead]
	] as const) {
		const made = await api(admin, 'POST', '/api/shifts', {
			role: uniqueName(key),
			start,
			end: start + 2 * hour,
			needed: 2,
			crewIds: [id]
		});
		expect(made.status, made.body).toBe(201);
		shifts[key] = JSON.parse(made.body).id;
	}
	return { page, id, name, shifts };
}

async function crewOf(admin: Page, shiftId: string): Promise<string[]> {
	return JSON.parse((await api(admin, 'GET', `/api/shifts/${shiftId}`)).body).crewIds;
}

/** On /users, the admin picks `regular` for the user and presses Set. */
async function askToMakeRegular(admin: Page, name: string, javaScript: boolean) {
	await admin.goto(`/users?q=${name}`);
	await waitForApp(admin, javaScript);
	const row = admin.getByTestId('user-row').filter({ hasText: name });
	await row.getByLabel(`Type of ${name}`).selectOption('regular');
	await row.getByRole('button', { name: 'Set' }).click();
}

for (const javaScript of [true, false]) {
	test(`making crew regular asks first, naming the upcoming shifts, and keeps the worked ones (JavaScript ${javaScript ? 'on' : 'off'})`, async ({
		browser
	}) => {
		const admin = await newPage(browser, javaScript);
		await logIn(admin, adminName, javaScript);
		const crew = await crewWithShifts(browser, admin, javaScript);

		await askToMakeRegular(admin, crew.name, javaScript);
		await expect(admin.getByTestId('confirm-type')).toHaveText(
			`Making ${crew.name} regular removes them from 1 upcoming shift. The shifts they have worked stay on record.`
		);
		// Asking changed nothing.
		const user = JSON.parse((await api(admin, 'GET', `/api/users/${crew.id}`)).body);
		expect(user.type).toBe('crew');
		expect(await crewOf(admin, crew.shifts.upcoming)).toEqual([crew.id]);

		await admin.getByRole('button', { name: `Make ${crew.name} regular` }).click();
		await expect(admin.getByText(`${crew.name} is now regular.`)).toBeVisible();
		await expect(admin.getByTestId('confirm-type')).toHaveCount(0);
		expect(await crewOf(admin, crew.shifts.upcoming)).toEqual([]);
		expect(await crewOf(admin, crew.shifts.worked)).toEqual([crew.id]);
		// The shifts page names who worked it, regular now or not.
		await admin.goto('/admin/shifts');
		await expect(
			admin
				.locator(`[data-testid="admin-shift"][data-shift-id="${crew.shifts.worked}"]`)
				.getByTestId('assigned')
		).toHaveText(new RegExp(crew.name));

		if (!javaScript) {
			// Without JavaScript, /shifts tells a user who is not crew so, in plain words.
			await crew.page.goto('/shifts');
			await expect(crew.page.getByTestId('error-title')).toHaveText('Not open to you');
			await expect(crew.page.getByTestId('not-open')).toHaveText(
				`Shifts are for crew and admins. You are logged in as ${crew.name}, a regular user.`
			);
			await expect(crew.page.getByText('Error 403')).toHaveCount(0);
		}
	});
}

test("the demoted member's open /shifts page says their crew access ended", async ({ browser }) => {
	const admin = await newPage(browser);
	await logIn(admin, adminName);
	const crew = await crewWithShifts(browser, admin);
	await crew.page.goto('/shifts');
	await waitForApp(crew.page);
	await expect(crew.page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(crew.page.getByRole('heading', { name: 'Shifts', exact: true })).toBeVisible();

	const demoted = await api(admin, 'PATCH', `/api/users/${crew.id}`, {
		type: 'regular',
		removeFromShifts: true
	});
	expect(demoted.status).toBe(200);

	await expect(crew.page.getByTestId('error-title')).toHaveText('Your crew access ended');
	await expect(crew.page.getByTestId('not-open')).toHaveText(
		`Shifts are for crew and admins. You are logged in as ${crew.name}, a regular user now.`
	);
	await expect(crew.page.getByText(/Something went wrong|Error 403/)).toHaveCount(0);
	// The way on is a link; following it leaves the message behind.
	await crew.page.getByRole('link', { name: 'your plan' }).click();
	await expect(crew.page).toHaveURL(/\/my$/);
	await expect(crew.page.getByTestId('error-title')).toHaveCount(0);
});
