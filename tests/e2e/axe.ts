import { createRequire } from 'node:module';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { AxeResults, RunOptions } from 'axe-core';

type Axe = { run(context: Document, options: RunOptions): Promise<AxeResults> };
import { waitForApp } from './fixtures';

/** The two widths every page is checked at: a laptop's and a small phone's. */
export const widths = [
	{ width: 1280, height: 800 },
	{ width: 360, height: 740 }
];

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const withAxe = new WeakSet<BrowserContext>();

/**
 * Puts axe-core into every page the context loads from now on, before the page's own scripts.
 * Loaded with each page rather than sent before every check, it costs a tenth as much: the
 * accessibility suite took minutes when each check sent the whole of axe again.
 */
async function addAxe(context: BrowserContext): Promise<void> {
	if (withAxe.has(context)) return;
	withAxe.add(context);
	await context.addInitScript({ path: axeSource });
}

/**
 * Every WCAG 2.1 A and AA rule axe has. axe leaves its experimental rules out unless named:
 * these are of those levels, among them the rule that a control's name holds its visible text
 * (label-content-name-mismatch).
 */
const options: RunOptions = {
	runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
	rules: Object.fromEntries(
		[
			'css-orientation-lock',
			'label-content-name-mismatch',
			'p-as-heading',
			'table-fake-caption',
			'td-has-header'
		].map((rule) => [rule, { enabled: true }])
	)
};

/** Opens `path` and checks it with axe at each width. */
export async function expectNoViolations(page: Page, path: string) {
	await addAxe(page.context());
	const response = await page.goto(path);
	expect(response, path).not.toBeNull();
	await waitForApp(page);
	// The server writes one page for every width: only the layout changes with it.
	for (const size of widths) {
		await page.setViewportSize(size);
		await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(size.width);
		const results = await page.evaluate(
			(options) => (window as unknown as { axe: Axe }).axe.run(document, options),
			options
		);
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
