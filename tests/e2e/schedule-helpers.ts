import { expect, type Browser, type Page } from '@playwright/test';
import { adminName, api, logIn } from './fixtures';

/** The schedule's pages in the tests of what changed and of offline use. */

export const hour = 3_600_000;

/** A day of its own, far ahead, so no other test's entries share it (the zone is UTC). */
export const ownDay = (): number =>
	Date.UTC(2040, 0, 1, 12) + Math.floor(Math.random() * 10_000) * 24 * hour;

export const dayPath = (ms: number) => `/days/${new Date(ms).toISOString().slice(0, 10)}`;

/** A browser of its own, logged in as the admin. */
export async function adminPage(browser: Browser): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await logIn(page, adminName);
	return page;
}

/** A public entry unless `fields` say otherwise; answers its id. */
export async function createEntry(admin: Page, fields: Record<string, unknown>): Promise<string> {
	const { status, body } = await api(admin, 'POST', '/api/entries', {
		visibility: 'public',
		...fields
	});
	expect(status, body).toBe(201);
	return JSON.parse(body).id;
}

/** An entry as a schedule page lists it. */
export const entryRow = (page: Page, title: string) =>
	page.getByTestId('entry').filter({ hasText: title });
