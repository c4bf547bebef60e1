import { getConfig, shownDatabaseUrl } from '../config';
import { copySqliteToPostgres, CopyRefused } from '../storage/copy-to-postgres';
import { CommandFailure } from './command';

const usage = 'Usage: DATABASE_PATH=<file> DATABASE_URL=postgres://… npm run migrate-to-postgres';

/**
 * `migrate-to-postgres`: moves the SQLite database at DATABASE_PATH into the empty PostgreSQL
 * database at DATABASE_URL, every row and the event ids as they were, so open pages resume
 * their streams from their cursors (docs/deploy.md, "Moving from SQLite to PostgreSQL"). The
 * app must be stopped: what it wrote after the copy began would not be in the copy.
 */
export async function migrateToPostgres(args: string[]): Promise<void> {
	if (args.length > 0) throw new CommandFailure(usage, 2);
	const { DATABASE_PATH: from, DATABASE_URL: to } = getConfig();
	if (!to) throw new CommandFailure(`DATABASE_URL is not set.\n${usage}`, 2);
	const started = performance.now();
	try {
		const report = await copySqliteToPostgres({
			sqlitePath: from,
			postgresUrl: to,
			onTable: (table, rows) => console.error(`${table}: ${rows} rows`)
		});
		const seconds = (performance.now() - started) / 1000;
		const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
		const users = report.tables.find((table) => table.name === 'user')?.rows ?? 0;
		const events = report.tables.find((table) => table.name === 'event')?.rows ?? 0;
		console.log(
			`Copied ${from} to ${shownDatabaseUrl(to)}: ${rows} rows in ${report.tables.length} ` +
				`tables (${users} users, ${events} events; last event id ${report.head}) in ` +
				`${seconds.toFixed(1)} s. Start the app with DATABASE_URL now.`
		);
	} catch (error) {
		if (error instanceof CopyRefused) throw new CommandFailure(error.message);
		throw new CommandFailure(
			`The copy failed, and nothing was committed: ${error instanceof Error ? error.message : error}`
		);
	}
}
