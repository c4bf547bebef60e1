import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, test, openLive } from './fixtures';

/*
 * Shifts and personal plans in Chromium: two crew members in two browsers, one takes the last
 * place and the other sees it go, live; the same without JavaScript; marks on the schedule
 * reaching /my in another tab; and a crew member demoted while their shifts are open on their
 * page and on the admin's, vanishing from both without a reload.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

async function newPage(browser: Browser, javaScriptEnabled = true, width?: number) {
	const context = await browser.newContext({
		javaScriptEnabled,
		...(width ? { viewport: { width, height: 760 } } : {})
	});
	return context.newPage();
}

async function adminPage(browser: Browser) {
	const page = await newPage(browser);
	await logIn(page, adminName);
	return page;
}

/** A new user in their own browser, made crew by the admin; their page has reloaded for it. */
async function crewPage(browser: Browser, admin: Page, javaScriptEnabled = true) {
	const page = await newPage(browser, javaScriptEnabled);
	const name = uniqueName('crew');
	await register(page, name, javaScriptEnabled);
	const users = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body) as {
		id: string;
	}[];
	const id = users[0].id;
	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'crew' })).status).toBe(200);
	return { page, id, name };
}

async function createShift(admin: Page, fields: Record<string, unknown>) {
	// A day ahead, at a minute no other test uses, so nobody's shifts overlap by accident.
	const start = Date.now() + 24 * hour + Math.floor(Math.random() * 1000) * 5 * hour;
	const { status, body } = await api(admin, 'POST', '/api/shifts', {
		start,
		end: start + 2 * hour,
		needed: 1,
		...fields
	});
	expect(status, body).toBe(201);
	return JSON.parse(body) as { id: string; role: string };
}

test('two crew members: one takes the last place, the other sees it go live', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const first = await crewPage(browser, admin);
	const second = await crewPage(browser, admin);
	const role = uniqueName('Bar');
	const shift = await createShift(admin, { role, needed: 1 });
	await openLive(first.page, '/shifts');
	await openLive(second.page, '/shifts');
	const seenBySecond = second.page.locator(`[data-testid="shift"][data-shift-id="${shift.id}"]`);
	await expect(seenBySecond.getByTestId('places')).toHaveAttribute('data-free', '1');
	await expect(seenBySecond.getByRole('button', { name: `Sign up for ${role}` })).toBeVisible();

	await first.page
		.locator(`[data-testid="shift"][data-shift-id="${shift.id}"]`)
		.getByRole('button', { name: `Sign up for ${role}` })
		.click();
	await expect(first.page.getByTestId('my-shift').filter({ hasText: role })).toBeVisible();
	// The other browser: the place is gone, and so is its button, live.
	await expect(seenBySecond.getByTestId('places')).toHaveAttribute('data-free', '0');
	await expect(seenBySecond.getByRole('button', { name: `Sign up for ${role}` })).toHaveCount(0);
	await expect(seenBySecond.getByTestId('crew')).toHaveText(first.name);

	// The one who took it leaves: the place comes back for the other.
	await first.page
		.locator(`[data-testid="shift"][data-shift-id="${shift.id}"]`)
		.getByRole('button', { name: `Leave ${role}` })
		.click();
	await expect(seenBySecond.getByTestId('places')).toHaveAttribute('data-free', '1');
});

test('without JavaScript: crew sign up on /shifts and mark an entry they then find on /my, all at 360 px', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const crew = await crewPage(browser, admin, false);
	const role = uniqueName('Door');
	const shift = await createShift(admin, { role, needed: 2 });
	await crew.page.setViewportSize({ width: 360, height: 760 });
	await crew.page.goto('/shifts');
	const row = crew.page.locator(`[data-testid="shift"][data-shift-id="${shift.id}"]`);
	await row.getByRole('button', { name: `Sign up for ${role}` }).click();
	await expect(crew.page.getByRole('status')).toHaveText(`You have a place on ${role}.`);
	await expect(row).toHaveAttribute('data-mine', 'true');
	await expect(row.getByTestId('places')).toContainText('1 of 2 signed up');

	const title = uniqueName('Late show');
	// On a whole minute, as entry times must be.
	const start = Math.floor(Date.now() / 60_000) * 60_000 + 30 * hour;
	const made = await api(admin, 'POST', '/api/entries', {
		title,
		start,
		end: start + hour,
		visibility: 'public'
	});
	expect(made.status).toBe(201);
	const day = `/days/${new Date(start).toISOString().slice(0, 10)}`;
	await crew.page.goto(day);
	const listed = crew.page.getByTestId('day').getByTestId('entry').filter({ hasText: title });
	await listed.getByRole('button', { name: 'Mark', description: title }).click();
	// Back on the schedule's day, at the entry, marked.
	await expect(crew.page).toHaveURL(new RegExp(`${day}#entry-`));
	await expect(listed.getByRole('button', { name: 'Marked' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await crew.page.goto('/my');
	await expect(crew.page.getByTestId('plan-entry').filter({ hasText: title })).toBeVisible();
	await expect(crew.page.getByTestId('plan-shift').filter({ hasText: role })).toBeVisible();
	for (const path of ['/shifts', '/my']) {
		await crew.page.goto(path);
		const width = await crew.page.evaluate(() => document.documentElement.scrollWidth);
		expect(width, path).toBeLessThanOrEqual(360);
		await expect(crew.page.getByRole('main')).toBeVisible();
	}
});

test('a crew member is demoted: their shifts vanish from their /my and from the admin page, live', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const crew = await crewPage(browser, admin);
	const role = uniqueName('Stage');
	const shift = await createShift(admin, { role, needed: 2, crewIds: [crew.id] });
	const title = uniqueName('Marked talk');
	const start = Math.floor(Date.now() / 60_000) * 60_000 + 40 * hour;
	await api(admin, 'POST', '/api/entries', {
		title,
		start,
		end: start + hour,
		visibility: 'public'
	});

	await openLive(crew.page, '/my');
	const mine = crew.page.getByTestId('plan-shift').filter({ hasText: role });
	await expect(mine).toBeVisible();
	await crew.page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));

	// A mark made in another tab of the same user appears on this /my at once.
	const otherTab = await crew.page.context().newPage();
	await openLive(otherTab, `/days/${new Date(start).toISOString().slice(0, 10)}`);
	await otherTab
		.getByTestId('day')
		.getByTestId('entry')
		.filter({ hasText: title })
		.getByRole('button', { name: 'Mark', description: title })
		.click();
	await expect(crew.page.getByTestId('plan-entry').filter({ hasText: title })).toBeVisible();

	await openLive(admin, '/admin/shifts');
	const assigned = admin
		.locator(`[data-testid="admin-shift"][data-shift-id="${shift.id}"]`)
		.getByTestId('assigned');
	await expect(assigned).toHaveText(new RegExp(crew.name));

	const demoted = await api(admin, 'PATCH', `/api/users/${crew.id}`, {
		type: 'regular',
		removeFromShifts: true
	});
	expect(demoted.status).toBe(200);
	await expect(mine).toHaveCount(0);
	await expect(assigned).toHaveCount(0);
	// Their marks stay: a regular user plans too. No reload happened.
	await expect(crew.page.getByTestId('plan-entry').filter({ hasText: title })).toBeVisible();
	expect(await crew.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
	await expect(crew.page.getByRole('link', { name: 'Shifts', exact: true })).toHaveCount(0);
});
