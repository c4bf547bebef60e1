import { expect } from '@playwright/test';
import { adminName, logIn, waitForApp, test } from './fixtures';

test('no page breaks its Content-Security-Policy', async ({ page }) => {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	for (const path of ['/', '/register', '/login']) {
		await page.goto(path);
		await waitForApp(page);
	}
	await logIn(page, adminName);
	for (const path of ['/users', '/account', '/admin']) {
		await page.goto(path);
		await waitForApp(page);
		await expect(page.getByTestId('stream-status')).toHaveAttribute('data-status', 'live');
	}
	expect(violations).toEqual([]);
});
