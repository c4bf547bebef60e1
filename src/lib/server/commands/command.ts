import { existsSync } from 'node:fs';
import { getConfig } from '../config';
import { storage, type Storage } from '../storage';

/** What a command prints and its exit status: 1 when it could not do it, 2 for a usage error. */
export class CommandFailure extends Error {
	constructor(
		message: string,
		readonly status: 1 | 2 = 1
	) {
		super(message);
	}
}

/**
 * The app's storage, as the app opens it (DATABASE_URL or DATABASE_PATH, migrated to this
 * version), but only an existing SQLite file: a typo in the path must not leave a new empty
 * database behind. A PostgreSQL database exists before its URL can name it.
 */
export function existingStorage(): Storage {
	if (getConfig().DATABASE_URL) return storage();
	const path = getConfig().DATABASE_PATH;
	if (path === ':memory:' || !existsSync(path)) {
		throw new CommandFailure(`No database at ${path} (set DATABASE_PATH).`);
	}
	return storage();
}
