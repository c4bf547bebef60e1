/*
 * The app's commands, bundled by `npm run build` into `build/commands.js` (vite.commands.config.ts):
 * `node build/commands.js <command> [arguments]`, or `npm run reset-password` / `npm run backup` /
 * `npm run migrate-to-postgres`.
 * They read and write through the storage and the app's own rules, never their own SQL
 * (docs/decisions.md, "The app's commands").
 */
import { ConfigError } from '../config';
import { closeStorage } from '../storage';
import { backup } from './backup';
import { benchEventTimes, benchReadLog, benchRenames } from './bench';
import { CommandFailure } from './command';
import { migrateToPostgres } from './migrate-to-postgres';
import { resetPassword } from './reset-password';

const commands: Record<string, (args: string[]) => Promise<void>> = {
	'reset-password': resetPassword,
	backup,
	'migrate-to-postgres': migrateToPostgres,
	'bench-renames': benchRenames,
	'bench-read-log': benchReadLog,
	'bench-event-times': benchEventTimes
};

// Standard output carries the command's answer (a link, a line of JSON); the app's log lines
// (at the app's LOG_LEVEL, often in the same environment) would be mixed into it.
process.env.LOG_LEVEL = 'silent';

const [name, ...args] = process.argv.slice(2);
const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
try {
	if (!command) {
		throw new CommandFailure(
			`Usage: node build/commands.js <${Object.keys(commands).join('|')}> …`,
			2
		);
	}
	await command(args);
} catch (error) {
	if (!(error instanceof CommandFailure || error instanceof ConfigError)) throw error;
	console.error(error.message);
	process.exitCode = error instanceof CommandFailure ? error.status : 1;
} finally {
	await closeStorage();
}
