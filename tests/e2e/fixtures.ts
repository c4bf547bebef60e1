import { test as base, expect, type Page } from '@playwright/test';

/**
 * Playwright's `test`, closing every browser context a test opened once it ends. A page left
 * open keeps its stream, so every later change of the suite woke it: the suite slowed as it
 * grew, each test paying for the pages of all the tests before it.
 */
export const test = base.extend<{ closeOpenedContexts: void }>({
	closeOpenedContexts: [
		async ({ browser }, use) => {
			const before = new Set(browser.contexts());
			await use();
			const opened = browser.contexts().filter((context) => !before.has(context));
			await Promise.all(opened.map((context) => context.close()));
		},
		{ auto: true }
	]
});

export const password = 'password123';
export const adminName = 'admin';

export function uniqueName(prefix: string): string {
	return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** With JavaScript on, interacting before hydration would post a plain form instead. */
export async function waitForApp(page: Page, javaScript = true): Promise<void> {
	if (javaScript) await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1);
}

/** Opens `path` and waits until its stream is live. */
export async function openLive(page: Page, path: string): Promise<void> {
	await page.goto(path);
	await waitForApp(page);
	await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
}

async function submitCredentials(
	page: Page,
	path: string,
	button: string,
	name: string,
	javaScript: boolean
) {
	await page.goto(path);
	await waitForApp(page, javaScript);
	await page.getByLabel('Name').fill(name);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: button }).click();
	await expect(page.getByTestId('account-name')).toHaveText(name);
}

export const register = (page: Page, name: string, javaScript = true) =>
	submitCredentials(page, '/register', 'Register', name, javaScript);

export const logIn = (page: Page, name: string, javaScript = true) =>
	submitCredentials(page, '/login', 'Log in', name, javaScript);

/** Calls the JSON API from the page, with its cookies and origin. */
export async function api(page: Page, method: string, path: string, body?: unknown) {
	return page.evaluate(
		async ([method, path, body]) => {
			const response = await fetch(path, {
				method,
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body)
			});
			return { status: response.status, body: await response.text() };
		},
		[method, path, body] as const
	);
}
