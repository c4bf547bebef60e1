import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './tests/e2e/chromium';
import { assertTestBuild, testBuildDir } from './tests/helpers/build';

assertTestBuild();

const basePort = Number(process.env.E2E_PORT ?? 4319);
const dataDir = mkdtempSync(join(tmpdir(), 'tidewatch-e2e-'));

/** One production server per project; `env` shortens what a project needs to see happen. */
function appServer(name: string, port: number, env: Record<string, string> = {}) {
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		webServer: {
			command: 'node server.js',
			url,
			reuseExistingServer: false,
			stdout: 'pipe' as const,
			env: {
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: url,
				DATABASE_PATH: join(dataDir, `${name}.db`),
				BUILD_DIR: testBuildDir,
				NODE_ENV: 'production',
				// Every test browser registers from 127.0.0.1.
				RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '100000',
				// The suite logs the one admin in from many browsers, far more often than a person.
				RATE_LIMIT_LOGINS_PER_USER: '100000',
				SESSION_MAX_LOGINS_PER_USER: '100000',
				// A few users (the one admin above all) make every change of the whole suite.
				RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '100000',
				RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '100000',
				STREAM_MAX_PER_ADDRESS: '100000',
				STREAM_MAX_PER_USER: '100000',
				// The server's log would drown the test report; errors still show.
				LOG_LEVEL: 'error',
				...env
			}
		}
	};
}

const main = appServer('main', basePort);
// Rotation 2 s and grace 1 s, so a stolen cookie is caught within a test.
const shortSessions = appServer('short-sessions', basePort + 1, {
	SESSION_ROTATE_SECONDS: '2',
	SESSION_GRACE_SECONDS: '1'
});

// Switches registration off and on: its own server, so other tests can still register.
const registration = appServer('registration', basePort + 2);

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	globalSetup: './tests/e2e/global-setup.ts',
	forbidOnly: !!process.env.CI,
	retries: 0,
	workers: 2,
	// Several tests drive three or more browsers through no-JS forms on two cores.
	timeout: 60_000,
	// A ceiling, not a wait: each expect returns as soon as its condition holds. On a loaded
	// 2-core machine a login (Argon2id) or a stream's close, reconnect and reload takes seconds.
	expect: { timeout: 20_000 },
	reporter: [['list']],
	use: {
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: { executablePath: findChromium(), args: chromiumArgs }
	},
	projects: [
		{ name: 'app', testIgnore: /(theft|registration)\.test\.ts$/, use: { baseURL: main.url } },
		{ name: 'short-sessions', testMatch: /theft/, use: { baseURL: shortSessions.url } },
		{
			name: 'registration',
			testMatch: /registration\.test\.ts$/,
			use: { baseURL: registration.url }
		}
	],
	webServer: [main.webServer, shortSessions.webServer, registration.webServer]
});
