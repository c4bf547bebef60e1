import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { waitForApp } from './fixtures';

/** The two widths every page is checked at: a laptop's and a small phone's. */
export const widths = [
	{ width: 1280, height: 800 },
	{ width: 360, height: 740 }
];

const experimentalWcagRules = Object.fromEntries(
	[
		'css-orientation-lock',
		'label-content-name-mismatch',
		'p-as-heading',
		'table-fake-caption',
		'td-has-header'
	].map((rule) => [rule, { enabled: true }])
);

/** Every WCAG 2.1 A and AA rule axe has, on the page as it stands. */
export async function expectNoViolations(page: Page, path: string) {
	const response = await page.goto(path);
	expect(response, path).not.toBeNull();
	await waitForApp(page);
	// The server writes one page for every width: only the layout changes with it.
	for (const size of widths) {
		await page.setViewportSize(size);
		await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(size.width);
		const results = await new AxeBuilder({ page })
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
			.options({ rules: experimentalWcagRules })
			.analyze();
		const found = results.violations.map((violation) => ({
			rule: violation.id,
			help: violation.help,
			nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`)
		}));
		// Soft: one run names every page with a violation, not only the first.
		expect.soft(found, `${path} at ${size.width} px`).toEqual([]);
		// The run must have looked at the page: a rule that passed proves it ran.
		expect(results.passes.length, `${path} at ${size.width} px`).toBeGreaterThan(0);
	}
}
