import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { streamDevPlugin } from './src/lib/server/stream/dev-plugin.js';

// Every server.js a suite starts, however it starts it, serves the tests' own build: the one
// `npm run build:test` writes (tests/helpers/build.ts).
const testBuild = { BUILD_DIR: fileURLToPath(new URL('./build-test', import.meta.url)) };
// A throwaway PostgreSQL cluster per run, which the suites' PostgreSQL databases are made in.
const postgresCluster = './tests/helpers/postgres-cluster.ts';
const unitEnv = {
	DATABASE_PATH: ':memory:',
	SESSION_ROTATE_SECONDS: '2',
	SESSION_GRACE_SECONDS: '1',
	SESSION_IDLE_SECONDS: '30',
	SESSION_MAX_SECONDS: '120',
	// The code under test logs (logins, theft…); the model test alone would fill screens.
	LOG_LEVEL: 'silent',
	// Models make hundreds of changes per user in an instant; the budget has its own test.
	RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: '1000000',
	RATE_LIMIT_WRITES_PER_USER_PER_HOUR: '1000000'
};

export default defineConfig({
	plugins: [sveltekit(), streamDevPlugin()],
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					environment: 'node',
					globalSetup: [postgresCluster],
					env: unitEnv,
					// A ceiling against a hang, not a speed check: a model runs hundreds of cases,
					// and on a loaded machine (the two unit projects run side by side) passes 5 s.
					testTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					// The models and the session and stream rules again, each file on a PostgreSQL
					// database of its own (tests/helpers/postgres-unit.ts). The rules of one record
					// stay on SQLite: records-both.test.ts shows the records answer alike on both.
					name: 'unit-postgres',
					include: [
						'tests/unit/*-model.test.ts',
						'tests/unit/{session-endings,session-lifecycle,stream-replay}.test.ts'
					],
					environment: 'node',
					globalSetup: [postgresCluster],
					setupFiles: ['./tests/helpers/postgres-unit.ts'],
					env: unitEnv,
					testTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'hostile',
					include: ['tests/hostile/**/*.test.ts'],
					environment: 'node',
					env: testBuild,
					testTimeout: 120_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					// Two files at a time, on two cores as on more: their time goes mostly to servers
					// starting and to waits, and one at a time took 290 s against 185 s.
					maxWorkers: 2,
					globalSetup: [postgresCluster],
					env: testBuild,
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					// The same files, each server on a fresh PostgreSQL database of the run's cluster,
					// but those whose subject is one database or none: the SQLite file's backup,
					// crash safety, demo and start-up log; the instances and the move to PostgreSQL,
					// which run on both already; the dev server, nginx, and readers that stop reading
					// (the socket's back-pressure, 75 s of writes to fill the kernel's buffers here), and
					// `npm start` with no settings.
					name: 'integration-postgres',
					include: ['tests/integration/**/*.test.ts'],
					exclude: [
						'tests/integration/{backup,crash,demo,operations}.test.ts',
						'tests/integration/{instances,migrate-to-postgres}.test.ts',
						'tests/integration/{dev-server,nginx,default-origin,stream-slow-readers}.test.ts'
					],
					environment: 'node',
					maxWorkers: 2,
					globalSetup: [postgresCluster],
					env: { ...testBuild, TEST_DATABASE: 'postgres' },
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
