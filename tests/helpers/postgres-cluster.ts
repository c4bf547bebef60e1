import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/postgres-cluster.js';
import { migrate } from '../../src/lib/server/storage/postgres/migrations';

export { findBinaries } from '../../scripts/postgres-cluster.js';

/**
 * The tests' PostgreSQL: a throwaway cluster started once per run from the machine's binaries
 * (scripts/postgres-cluster.js), in a temporary folder, on a free port; stopped and deleted at
 * the end. Without the binaries the run fails and says what to install: a suite that skips
 * itself would prove nothing.
 * Tests take a fresh database each from a migrated template (tests/helpers/postgres.ts).
 */

declare module 'vitest' {
	export interface ProvidedContext {
		postgres: { adminUrl: string; template: string; host: string; port: number };
	}
}

export const templateName = 'tidewatch_template';

export default async function startTestCluster(project: TestProject) {
	const started = performance.now();
	const cluster = await startCluster();
	const { adminUrl, port } = cluster;
	try {
		const admin = new pg.Client({ connectionString: adminUrl });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${templateName}`);
			const template = new pg.Client({
				connectionString: `postgres://postgres@127.0.0.1:${port}/${templateName}`
			});
			await template.connect();
			try {
				await migrate(template);
			} finally {
				await template.end();
			}
			// A template nobody connects to: copying it needs it idle.
			await admin.query(
				`ALTER DATABASE ${templateName} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`
			);
		} finally {
			await admin.end();
		}
		project.provide('postgres', { adminUrl, template: templateName, host: '127.0.0.1', port });
		if (process.env.TIDEWATCH_PG_TIMING) {
			console.log(`PostgreSQL test cluster ready in ${Math.round(performance.now() - started)} ms`);
		}
	} catch (error) {
		await cluster.stop();
		throw error;
	}
	return cluster.stop;
}
