import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './tests/e2e/chromium';

const port = Number(process.env.E2E_PORT ?? 4319);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'tidewatch-e2e-'));

export default defineConfig({
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global-setup.ts',
	outputDir: 'test-results',
	forbidOnly: !!process.env.CI,
	retries: 0,
	workers: 2,
	timeout: 30_000,
	expect: { timeout: 5_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: { executablePath: findChromium(), args: chromiumArgs }
	},
	webServer: {
		command: 'node server.js',
		url: baseURL,
		reuseExistingServer: false,
		stdout: 'pipe',
		env: {
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: baseURL,
			DATABASE_PATH: join(dataDir, 'tidewatch.db'),
			NODE_ENV: 'production'
		}
	}
});
