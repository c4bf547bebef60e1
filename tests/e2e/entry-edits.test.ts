import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, api, logIn, register, uniqueName, waitForApp, test } from './fixtures';

/*
 * Two admins editing one entry in Chromium (issue 21, point 3): with JavaScript the form keeps
 * what its admin typed while the other admin saves, follows the fields they did not touch and
 * says what changed; a save over a change its admin did not see is refused until they confirm;
 * without JavaScript a stale save is refused and the typed text kept. A shift's form, too, keeps
 * its admin's typing while crew sign up.
 */

const hour = 3_600_000;
test.describe.configure({ timeout: 90_000 });

async function adminPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
	const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
	await logIn(page, adminName, javaScriptEnabled);
	return page;
}

async function openEditor(page: Page, id: string, javaScript = true) {
	await page.goto(`/admin/entries?edit=${id}`);
	await waitForApp(page, javaScript);
	if (javaScript) {
		await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	}
	return page.getByTestId('entry-form');
}

async function newEntry(page: Page, title: string) {
	// The main server's zone is UTC: 2030-08-01 10:00 is what the form shows.
	const start = Date.UTC(2030, 7, 1, 10);
	const { status, body } = await api(page, 'POST', '/api/entries', {
		title,
		description: 'as planned',
		start,
		end: start + hour
	});
	expect(status, body).toBe(201);
	return JSON.parse(body) as { id: string };
}

async function stored(page: Page, id: string) {
	const { body } = await api(page, 'GET', `/api/entries/${id}`);
	return JSON.parse(body) as { title: string; description: string; version: number };
}

test('typing is kept while another admin saves; untouched fields follow and the notice says what changed', async ({
	browser
}) => {
	const alice = await adminPage(browser);
	const bob = await adminPage(browser);
	const title = uniqueName('Tides');
	const { id } = await newEntry(bob, title);
	const form = await openEditor(alice, id);
	const typed = 'Alice is halfway through rewriting this';
	await form.getByLabel('Description').fill(typed);

	const moved = `${title} (moved)`;
	expect((await api(bob, 'PATCH', `/api/entries/${id}`, { title: moved })).status).toBe(200);

	// The field she left alone follows his save; the one she was typing in keeps her text.
	await expect(form.getByLabel('Title')).toHaveValue(moved);
	await expect(form.getByLabel('Description')).toHaveValue(typed);
	const notice = alice.getByTestId('entry-changed');
	await expect(notice).toContainText('This entry changed since you opened it');
	await expect(notice.locator('[data-field="title"]')).toContainText(moved);

	// Nothing was in conflict: her save keeps his title and adds her description.
	await form.getByRole('button', { name: 'Save entry' }).click();
	await expect(alice.getByText(`${moved} saved.`)).toBeVisible();
	await expect.poll(async () => (await stored(bob, id)).description).toBe(typed);
	expect((await stored(bob, id)).title).toBe(moved);
});

test('a save over a field another admin changed meanwhile is refused until confirmed', async ({
	browser
}) => {
	const alice = await adminPage(browser);
	const bob = await adminPage(browser);
	const { id } = await newEntry(bob, uniqueName('Moons'));
	const form = await openEditor(alice, id);
	const typed = 'Alice: bring your own telescope';
	await form.getByLabel('Description').fill(typed);
	const theirs = 'Bob: telescopes provided';
	expect((await api(bob, 'PATCH', `/api/entries/${id}`, { description: theirs })).status).toBe(200);

	const notice = alice.getByTestId('entry-changed');
	await expect(notice.locator('[data-field="description"]')).toContainText(theirs);
	await expect(notice.locator('[data-field="description"]')).toContainText('yours');
	await expect(form.getByLabel('Description')).toHaveValue(typed);

	// Refused: the form now names the version it shows, so saving again overwrites knowingly.
	await form.getByRole('button', { name: 'Save entry' }).click();
	const overwrite = form.getByRole('button', { name: 'Save mine over the new version' });
	await expect(overwrite).toBeVisible();
	await expect(form.getByLabel('Description')).toHaveValue(typed);
	expect((await stored(bob, id)).description).toBe(theirs);

	await overwrite.click();
	await expect.poll(async () => (await stored(bob, id)).description).toBe(typed);
});

test('without JavaScript a stale save is refused, the text kept and the current values shown', async ({
	browser
}) => {
	const alice = await adminPage(browser, false);
	const bob = await adminPage(browser);
	const { id } = await newEntry(bob, uniqueName('Currents'));
	const form = await openEditor(alice, id, false);
	const theirs = 'Bob: moved to the pier';
	expect((await api(bob, 'PATCH', `/api/entries/${id}`, { description: theirs })).status).toBe(200);

	const typed = 'Alice: meet at the lighthouse';
	await form.getByLabel('Description').fill(typed);
	await form.getByRole('button', { name: 'Save entry' }).click();
	await expect(alice.getByTestId('entry-changed')).toContainText(theirs);
	await expect(alice.getByTestId('entry-form').getByLabel('Description')).toHaveValue(typed);
	expect((await stored(bob, id)).description).toBe(theirs);

	await alice
		.getByTestId('entry-form')
		.getByRole('button', { name: 'Save mine over the new version' })
		.click();
	await expect(alice.getByText(/ saved\.$/)).toBeVisible();
	expect((await stored(bob, id)).description).toBe(typed);
});

test("crew signing up for a shift do not wipe what an admin is typing in that shift's form", async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const crew = await (await browser.newContext()).newPage();
	const crewName = uniqueName('crew');
	await register(crew, crewName);
	const users = JSON.parse((await api(admin, 'GET', `/api/users?q=${crewName}`)).body) as {
		id: string;
	}[];
	expect((await api(admin, 'PATCH', `/api/users/${users[0].id}`, { type: 'crew' })).status).toBe(
		200
	);
	const start = Date.UTC(2030, 7, 2, 10) + Math.floor(Math.random() * 1000) * 5 * hour;
	const made = await api(admin, 'POST', '/api/shifts', {
		role: uniqueName('Door'),
		start,
		end: start + hour,
		needed: 2
	});
	expect(made.status, made.body).toBe(201);
	const shift = JSON.parse(made.body) as { id: string };

	await admin.goto(`/admin/shifts?edit=${shift.id}`);
	await waitForApp(admin);
	await expect(admin.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	const notes = admin.getByTestId('shift-form').getByLabel('Notes');
	await notes.fill('Keys are in the blue box');
	await crew.reload();
	expect((await api(crew, 'POST', `/api/shifts/${shift.id}/signup`)).status).toBe(200);
	const row = admin.locator(`[data-shift-id="${shift.id}"]`);
	await expect(row.getByTestId('assigned')).toContainText(crewName);
	await expect(notes).toHaveValue('Keys are in the blue box');
});
