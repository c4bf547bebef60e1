import { existsSync } from 'node:fs';
import { getConfig } from '../config';
import { CommandFailure, existingStorage } from './command';

/** `backup <file>`: a consistent copy of the live database, taken while the app keeps running. */
export async function backup(args: string[]): Promise<void> {
	const [target] = args;
	if (!target || args.length > 1) throw new CommandFailure('Usage: npm run backup -- <file>', 2);
	if (existsSync(target)) throw new CommandFailure(`Not overwriting ${target}: it exists.`);
	const stored = existingStorage();
	try {
		const { pages } = await stored.backup(target);
		console.log(`Backed up ${getConfig().DATABASE_PATH} to ${target} (${pages} pages).`);
	} catch (error) {
		throw new CommandFailure(`Backup failed: ${error instanceof Error ? error.message : error}`);
	}
}
