import { expect, request, type Page } from '@playwright/test';
import { adminName, password, register, waitForApp, test } from './fixtures';

const width = 360;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const lengthOf = (text: string) => [...graphemes.segment(text)].length;

/** 64 characters as people see them, wide ones: full-width letters and ZWJ emoji. */
function longName(): string {
	const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
	let name = `${'Ｗ'.repeat(20)}${'👩‍💻'.repeat(20)}${tag}`;
	while (lengthOf(name) < 64) name = `Ｗ${name}`;
	return name;
}

async function promoteToAdmin(baseURL: string, name: string) {
	const api = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
	expect((await api.post('/api/auth/login', { data: { name: adminName, password } })).ok()).toBe(
		true
	);
	const users: { id: string; name: string }[] = await (await api.get('/api/users')).json();
	const user = users.find((u) => u.name === name)!;
	expect((await api.patch(`/api/users/${user.id}`, { data: { type: 'admin' } })).ok()).toBe(true);
	await api.dispose();
}

async function expectFits(page: Page, label: string, loggedIn: boolean) {
	await page.screenshot({ path: `test-results/narrow-${label}.png`, fullPage: true });
	const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
	expect(scrollWidth, `${label} is ${scrollWidth} px wide`).toBeLessThanOrEqual(width);
	if (!loggedIn) return;
	const logOut = page.getByRole('button', { name: 'Log out' });
	await expect(logOut).toBeInViewport({ ratio: 1 });
	const box = (await logOut.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(width);
}

test.use({ viewport: { width, height: 740 } });

test('every page fits a 360 px screen with a 64-character name of wide characters, and "Log out" stays in view', async ({
	page,
	baseURL
}) => {
	await page.goto('/login');
	await expectFits(page, 'login-logged-out', false);
	await page.goto('/register');
	await expectFits(page, 'register-logged-out', false);

	const name = longName();
	expect(lengthOf(name)).toBe(64);
	await register(page, name);
	await promoteToAdmin(baseURL!, name);

	for (const path of [
		'/',
		'/login',
		'/register',
		'/users',
		'/account',
		'/admin',
		'/my',
		'/shifts',
		'/admin/shifts',
		'/no-such-page'
	]) {
		await page.goto(path);
		await waitForApp(page);
		await expect(page.getByTestId('account-name')).toHaveText(name);
		await expectFits(page, path.slice(1) || 'home', true);
	}
	await expect(page.getByRole('link', { name: 'Admin' })).toBeVisible();
});
