import { expect, type Page } from '@playwright/test';
import { api, register, uniqueName, waitForApp, test, openLive } from './fixtures';
import { adminPage, createEntry, dayPath, entryRow, hour, ownDay } from './schedule-helpers';

/*
 * What changed, in Chromium: an entry changed since the visitor's last visit is marked, for an
 * anonymous visitor too (the cursor kept in the browser tells); one that changes while the page
 * is open is marked at once; a marked entry that moves or is cancelled is announced on the page
 * and notified where the person allowed it. /changes works without JavaScript.
 */

test.describe.configure({ timeout: 90_000 });

async function edit(admin: Page, id: string, fields: Record<string, unknown>) {
	const { status, body } = await api(admin, 'PATCH', `/api/entries/${id}`, fields);
	expect(status, body).toBe(200);
}

/** The visit kept in this browser ended long ago: the next page begins a new one. */
const endVisit = (page: Page) =>
	page.evaluate(() => {
		const visit = JSON.parse(localStorage.getItem('tidewatch.visit')!);
		localStorage.setItem('tidewatch.visit', JSON.stringify({ ...visit, at: 0 }));
	});

test('an anonymous visitor sees what changed since the last visit marked, and a change while the page is open at once', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const start = ownDay();
	const moved = uniqueName('moved');
	const kept = uniqueName('kept');
	const movedId = await createEntry(admin, { title: moved, start, end: start + hour });
	await createEntry(admin, { title: kept, start: start + hour, end: start + 2 * hour });

	const visitor = await (await browser.newContext()).newPage();
	await openLive(visitor, dayPath(start));
	// A first visit marks nothing from before it.
	await expect(visitor.getByTestId('changed')).toHaveCount(0);
	await endVisit(visitor);
	await visitor.goto('about:blank');

	await edit(admin, movedId, { start: start + 2 * hour, end: start + 3 * hour });
	await openLive(visitor, dayPath(start));
	await expect(entryRow(visitor, moved).getByTestId('changed')).toBeVisible();
	await expect(entryRow(visitor, kept).getByTestId('changed')).toHaveCount(0);

	// Within the visit the mark stays; a change while the page is open is marked at once.
	await visitor.reload();
	await waitForApp(visitor);
	await expect(entryRow(visitor, moved).getByTestId('changed')).toBeVisible();
	await openLive(visitor, dayPath(start));
	const keptId = (await entryRow(visitor, kept).locator('a').first().getAttribute('href'))!
		.split('/')
		.pop()!;
	await edit(admin, keptId, { title: `${kept}-renamed` });
	await expect(entryRow(visitor, `${kept}-renamed`).getByTestId('changed')).toBeVisible();

	// The next visit marks only what changed after this one saw.
	await endVisit(visitor);
	await openLive(visitor, dayPath(start));
	await expect(visitor.getByTestId('changed')).toHaveCount(0);
});

test('a marked entry that moves or is cancelled is announced, and notified where allowed', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const start = ownDay();
	const title = uniqueName('marked');
	const id = await createEntry(admin, { title, start, end: start + hour });

	const context = await browser.newContext();
	await context.grantPermissions(['notifications']);
	const page = await context.newPage();
	// What the page asks the device to show, kept where the test can read it.
	await page.addInitScript(() => {
		const shown: string[] = [];
		(window as unknown as { shown: string[] }).shown = shown;
		class Recorded {
			static permission = 'granted';
			static requestPermission = async () => 'granted';
			constructor(title: string, options: { body: string }) {
				shown.push(`${title}: ${options.body}`);
			}
		}
		(window as unknown as { Notification: unknown }).Notification = Recorded;
		// Where a service worker runs (a phone needs it), the page shows them through it.
		ServiceWorkerRegistration.prototype.showNotification = async (title, options) => {
			shown.push(`${title}: ${options?.body}`);
		};
	});
	await register(page, uniqueName('planner'));
	await openLive(page, dayPath(start));
	await entryRow(page, title).getByRole('button', { name: '☆ Mark' }).click();
	await expect(entryRow(page, title).getByRole('button', { name: '★ Marked' })).toBeVisible();

	await openLive(page, '/my');
	await expect(page.getByTestId('notification-choice')).toContainText('This device is told');
	await edit(admin, id, { start: start + hour, end: start + 2 * hour });
	await expect(page.getByTestId('announcement')).toContainText(`“${title}”: Moved from`);
	await expect(page.getByTestId('plan-entry').getByTestId('changed')).toBeVisible();
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { shown: string[] }).shown))
		.toEqual([expect.stringContaining(`Your plan changed: “${title}”: Moved from`)]);

	expect((await api(admin, 'DELETE', `/api/entries/${id}`)).status).toBe(204);
	await expect(page.getByTestId('announcement').last()).toHaveText(`“${title}”: Cancelled.`);
	// A crew note alone is no change to announce.
	const other = await createEntry(admin, { title: uniqueName('quiet'), start, end: start + hour });
	await edit(admin, other, { crewNotes: 'a note' });
	await expect(page.getByTestId('announcement')).toHaveCount(2);
});

test('/changes lists a change without JavaScript, linked to its entry', async ({ browser }) => {
	const admin = await adminPage(browser);
	const start = ownDay();
	const title = uniqueName('listed');
	const id = await createEntry(admin, { title, start, end: start + hour });
	await edit(admin, id, { title: `${title}-new` });
	const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await page.goto('/');
	await page.getByRole('link', { name: 'Changes' }).click();
	const change = page
		.getByTestId('change')
		.filter({ hasText: `${title}-new` })
		.first();
	await expect(change).toContainText(`Retitled; it was “${title}”.`);
	await change.getByRole('link', { name: `${title}-new` }).click();
	await expect(page.getByTestId('entry-history')).toContainText(`Retitled; it was “${title}”.`);
});

test('/changes is live: a new change appears without a reload', async ({ browser }) => {
	const admin = await adminPage(browser);
	const start = ownDay();
	const title = uniqueName('live-change');
	const page = await (await browser.newContext()).newPage();
	await openLive(page, '/changes');
	await createEntry(admin, { title, start, end: start + hour });
	await expect(page.getByTestId('change').filter({ hasText: title })).toContainText(
		'New on the schedule.'
	);
});
