import { parseArgs } from 'node:util';
import { createPasswordReset } from '../password-reset/create-password-reset';
import { Refusal } from '../refusal';
import { CommandFailure, existingStorage } from './command';

const usage = 'Usage: npm run reset-password -- <name> [--origin https://example.org] [--hours 24]';
const defaultHours = 24;
const maxHours = 72;
// Only the path is printed when no origin is known: the operator puts the address in front.
const noOrigin = 'http://origin.invalid';

/**
 * `reset-password <name> [--origin <url>] [--hours <n>]`: a single-use password reset link for
 * the user, for when no admin can log in; made as an admin's is, by the operator. It writes
 * next to the running app (docs/decisions.md, "The app's commands").
 */
export async function resetPassword(args: string[]): Promise<void> {
	let parsed;
	try {
		parsed = parseArgs({
			args,
			allowPositionals: true,
			options: { origin: { type: 'string' }, hours: { type: 'string' } }
		});
	} catch (error) {
		throw new CommandFailure(`${error instanceof Error ? error.message : error}\n${usage}`, 2);
	}
	const name = parsed.positionals.join(' ').trim();
	if (!name) throw new CommandFailure(usage, 2);
	const hours = Number(parsed.values.hours ?? defaultHours);
	if (!(hours > 0 && hours <= maxHours)) {
		throw new CommandFailure(`--hours must be more than 0 and at most ${maxHours}.`, 2);
	}
	const origin = parsed.values.origin || process.env.ORIGIN || '';
	if (origin && !URL.canParse(origin)) {
		throw new CommandFailure(
			`Not a URL: ${origin} (give the public origin, such as https://tidewatch.example.org).`,
			2
		);
	}

	const user = await existingStorage().read(
		async (records) => (await records.users.findWithHashByName(name))?.user
	);
	if (!user) throw new CommandFailure(`No user named "${name}". Names are compared ignoring case.`);
	let reset;
	try {
		reset = await createPasswordReset('operator', user.id, hours, origin || noOrigin);
	} catch (error) {
		if (error instanceof Refusal) throw new CommandFailure(`${user.name}: ${error.message}.`);
		throw error;
	}

	const until = new Date(reset.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z');
	console.log(`Password reset link for ${user.name}, valid once until ${until}:`);
	if (origin) console.log(reset.url);
	else {
		const url = new URL(reset.url);
		console.log(url.pathname + url.search);
		console.log('Put the address of your Tidewatch in front (or pass --origin or set ORIGIN).');
	}
	console.log('Give it only to that person: whoever opens it can set the password.');
}
