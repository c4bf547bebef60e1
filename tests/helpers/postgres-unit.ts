import { afterAll } from 'vitest';
import { closeStorage } from '$lib/server/storage';
import { freshDatabase } from './postgres';

// The unit-postgres project's setup: each test file's storage is a fresh PostgreSQL database
// of the run's cluster, where the unit project's is SQLite's `:memory:`.
const database = await freshDatabase();
process.env.DATABASE_URL = database.url;
// The configuration is read once per process: a file run before in this worker read its own.
delete (globalThis as Record<symbol, unknown>)[Symbol.for('tidewatch.config')];

afterAll(async () => {
	await closeStorage();
	await database.release();
});
