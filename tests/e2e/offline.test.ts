import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { api, logIn, password, register, uniqueName, waitForApp, test } from './fixtures';
import { adminPage, createEntry, dayPath, entryRow, hour, ownDay } from './schedule-helpers';

/*
 * Offline, in Chromium (docs/offline.md): a page opened once opens again with no network, from
 * the copy kept in IndexedDB, says as of when, and catches up from its event id once the
 * network is back, without loading the page again; a second tab uses the same copy. The copy
 * follows the login: logging out, a login ended elsewhere and a new level wipe it, and a crew
 * entry never stays readable on the device of a user made regular.
 */

test.describe.configure({ timeout: 120_000 });

interface Kept {
	key: string;
	body: string;
	viewer: string;
	eventId: number;
}

/** A store of what the device keeps, read from IndexedDB as the app wrote it. */
function keptStore<T>(page: Page, store: 'pages' | 'heard' | 'owner'): Promise<T[]> {
	return page.evaluate(
		async (store) =>
			// Opening a database that is not there would make it, empty: only look at one that is.
			!(await indexedDB.databases()).some((db) => db.name === 'tidewatch-kept')
				? []
				: new Promise<T[]>((resolve, reject) => {
						const open = indexedDB.open('tidewatch-kept');
						open.onerror = () => reject(open.error);
						open.onsuccess = () => {
							const db = open.result;
							if (!db.objectStoreNames.contains(store)) return resolve([]);
							const all = db.transaction(store).objectStore(store).getAll();
							all.onsuccess = () => {
								db.close();
								resolve(all.result as T[]);
							};
							all.onerror = () => reject(all.error);
						};
					}),
		store
	);
}

const keptPages = (page: Page) => keptStore<Kept>(page, 'pages');

/** The events the device kept from its streams, as text: what a reader of the device would see. */
const heardText = async (page: Page) => JSON.stringify(await keptStore(page, 'heard'));

const keptKeys = async (page: Page) => (await keptPages(page)).map((kept) => kept.key).sort();

/**
 * Opens `path` and waits until the device keeps it: the first page of a device loads before
 * its service worker runs, which then fetches it once to keep it.
 */
async function openAndKeep(page: Page, path: string) {
	await page.goto(path);
	await waitForApp(page);
	// Installing the worker fetches the app's files first: slow on a loaded machine. A page
	// loaded before it ran comes under it when it claims its pages; one that shows no worker
	// 15 s after it is active (a full run once waited here for two minutes) is loaded again,
	// under the worker from the start.
	const controlled = await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (navigator.serviceWorker.controller) return true;
		return new Promise<boolean>((resolve) => {
			navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), {
				once: true
			});
			setTimeout(() => resolve(navigator.serviceWorker.controller !== null), 15_000);
		});
	});
	if (!controlled) {
		await page.reload();
		await waitForApp(page);
	}
	await expect.poll(() => keptKeys(page)).toContain(`page ${path}`);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
}

async function goOffline(context: BrowserContext, page: Page) {
	await context.setOffline(true);
	await expect(page.getByTestId('stream-status')).not.toHaveAttribute('data-status', 'live');
}

/** An admin, an entry on a day of its own, and a device that keeps that day's page. */
async function keptDay(browser: Browser) {
	const admin = await adminPage(browser);
	const start = ownDay();
	const first = uniqueName('first');
	const firstId = await createEntry(admin, { title: first, start, end: start + hour });
	const context = await browser.newContext();
	const page = await context.newPage();
	const path = dayPath(start);
	await openAndKeep(page, path);
	return { admin, start, first, firstId, context, page, path };
}

/** The day changes: an entry added an hour later, and the first one retitled `<first>-moved`. */
async function changeDay(day: Awaited<ReturnType<typeof keptDay>>) {
	const { admin, start, first, firstId } = day;
	const added = uniqueName('added');
	await createEntry(admin, { title: added, start: start + hour, end: start + 2 * hour });
	const moved = `${first}-moved`;
	expect((await api(admin, 'PATCH', `/api/entries/${firstId}`, { title: moved })).status).toBe(200);
	return { added, moved };
}

test('a page opened before opens with no network, says as of when, and catches up from its event id', async ({
	browser
}) => {
	const day = await keptDay(browser);
	const { admin, first, context, page, path } = day;
	const settings = JSON.parse((await api(admin, 'GET', '/api/settings')).body);

	await goOffline(context, page);
	await page.reload();
	await expect(entryRow(page, first)).toBeVisible();
	await expect(page.getByTestId('offline-notice')).toContainText(`Offline — the schedule as of`);
	await expect(page.getByTestId('offline-notice')).toContainText(`(${settings.timeZone} time)`);

	// A second tab uses the same copy.
	const second = await context.newPage();
	await second.goto(path);
	await expect(entryRow(second, first)).toBeVisible();
	await second.close();

	// Changes made meanwhile arrive as events once the network is back; the page is not loaded again.
	const { added, moved } = await changeDay(day);
	const documents: string[] = [];
	page.on('request', (request) => {
		if (request.resourceType() === 'document' || request.url().includes('__data.json'))
			documents.push(request.url());
	});
	await context.setOffline(false);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	await expect(entryRow(page, added)).toBeVisible();
	await expect(entryRow(page, moved)).toBeVisible();
	await expect(page.getByTestId('offline-notice')).toHaveCount(0);
	expect(documents).toEqual([]);
});

test('a kept page comes forward with what the stream handed on since: reopened with no network, it shows the changes', async ({
	browser
}) => {
	const day = await keptDay(browser);
	const { context, page, path } = day;

	// Changes while the page is open arrive live; the kept page is not loaded again for them.
	const { added, moved } = await changeDay(day);
	await expect(entryRow(page, moved)).toBeVisible();
	await expect.poll(() => heardText(page)).toContain(moved);
	const keptPage = (await keptPages(page)).find((kept) => kept.key === `page ${path}`)!;
	expect(keptPage.body).not.toContain(added);
	const lastEventId = (await keptStore<{ id: number }>(page, 'heard')).at(-1)!.id;

	await goOffline(context, page);
	await page.reload();
	await expect(entryRow(page, added)).toBeVisible();
	await expect(entryRow(page, moved)).toBeVisible();
	await expect(page.getByTestId('offline-notice')).toContainText('Offline — the schedule as of');

	// Another tab uses the same events.
	const second = await context.newPage();
	await second.goto(path);
	await expect(entryRow(second, added)).toBeVisible();
	await second.close();

	// Back online, the stream resumes after what the device applied, not from the kept page.
	const streams: string[] = [];
	page.on('websocket', (socket) => streams.push(socket.url()));
	await context.setOffline(false);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	expect(streams.map((url) => Number(new URL(url).searchParams.get('lastEventId')))).toEqual([
		lastEventId
	]);
});

test('a page never opened on the device says so with no network', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await openAndKeep(page, '/changes');
	await goOffline(context, page);
	const answer = await page.goto(dayPath(ownDay()));
	expect(answer?.status()).toBe(503);
	await expect(page.getByRole('heading', { name: 'Offline' })).toBeVisible();
	await page.getByRole('link', { name: 'The schedule' }).isVisible();
});

test('logging out wipes the copy: the plan is no longer on the device', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const name = uniqueName('leaver');
	await register(page, name);
	await openAndKeep(page, '/my');
	expect((await keptPages(page)).every((kept) => kept.viewer.endsWith(' regular'))).toBe(true);
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
	await expect
		.poll(async () => (await keptPages(page)).filter((kept) => kept.viewer !== 'public'))
		.toEqual([]);
	const [owner] = await keptStore<{ viewer: string | null }>(page, 'owner');
	expect(owner.viewer === null || owner.viewer === 'public').toBe(true);
	await goOffline(context, page);
	await page.goto('/my');
	await expect(page.getByRole('heading', { name: 'Offline' })).toBeVisible();
	await expect(page.getByText(name)).toHaveCount(0);
});

test('a login ended from another device wipes the copy on this one', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const name = uniqueName('revoked');
	await register(page, name);
	await openAndKeep(page, '/my');
	const other = await (await browser.newContext()).newPage();
	await logIn(other, name);
	expect(
		(await api(other, 'DELETE', '/api/auth/sessions', { currentPassword: password })).status
	).toBe(204);
	await expect.poll(() => keptPages(page)).toEqual([]);
});

test('a crew entry does not stay readable on the device of a user made regular', async ({
	browser
}) => {
	const admin = await adminPage(browser);
	const start = ownDay();
	const secret = uniqueName('crew-only');
	const secretId = await createEntry(admin, {
		title: secret,
		start,
		end: start + hour,
		visibility: 'crew'
	});
	await createEntry(admin, { title: uniqueName('public'), start, end: start + hour });

	const context = await browser.newContext();
	const page = await context.newPage();
	const name = uniqueName('demoted');
	await register(page, name);
	const [{ id }] = JSON.parse((await api(admin, 'GET', `/api/users?q=${name}`)).body);
	// Made crew with no page open: an open one would reload for the new level meanwhile.
	await page.goto('about:blank');
	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'crew' })).status).toBe(200);
	await openAndKeep(page, dayPath(start));
	await expect(entryRow(page, secret)).toBeVisible();
	expect((await keptPages(page)).some((kept) => kept.body.includes(secret))).toBe(true);
	// A crew entry's change the stream handed on is on the device too.
	const secretNotes = uniqueName('crew-notes');
	expect(
		(await api(admin, 'PATCH', `/api/entries/${secretId}`, { crewNotes: secretNotes })).status
	).toBe(200);
	await expect.poll(() => heardText(page)).toContain(secretNotes);

	expect((await api(admin, 'PATCH', `/api/users/${id}`, { type: 'regular' })).status).toBe(200);
	await expect(entryRow(page, secret)).toHaveCount(0);
	await expect
		.poll(async () => (await keptPages(page)).filter((kept) => kept.body.includes(secret)))
		.toEqual([]);
	await expect.poll(() => heardText(page)).not.toContain(secret);
	await goOffline(context, page);
	await page.reload();
	await expect(entryRow(page, secret)).toHaveCount(0);
});

test('Chromium finds the app installable, and / opens with no network', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await openAndKeep(page, '/');
	const cdp = await context.newCDPSession(page);
	const manifest = await cdp.send('Page.getAppManifest');
	expect(manifest.errors).toEqual([]);
	expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	// A test browser's context is an incognito one, which no browser installs apps from.
	expect(installabilityErrors.filter((error) => error.errorId !== 'in-incognito')).toEqual([]);
	await goOffline(context, page);
	expect((await page.reload())?.status()).toBe(200);
	await expect(page.getByTestId('offline-notice')).toBeVisible();
});
