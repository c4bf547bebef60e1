import { parseArgs } from 'node:util';
import { CommandFailure, existingStorage } from './command';

/*
 * What the benchmarks (bench/) need beyond the HTTP API, through the storage like the app:
 * a long log written while the server is down, the floor of reading it, and when each event
 * was committed. Each prints one line of JSON.
 */

function options(args: string[], names: string[]): Record<string, string> {
	const { values } = parseArgs({
		args,
		options: Object.fromEntries(names.map((name) => [name, { type: 'string' }]))
	});
	for (const name of names) {
		if (values[name] === undefined) throw new CommandFailure(`--${name} is needed`, 2);
	}
	return values as Record<string, string>;
}

/**
 * `bench-renames --user <id> --count <n> --prefix <text>`: appends n `user-update` events of
 * the user renamed `<prefix><i>`, in one change, without touching the user: a backlog for the
 * catch-up and the reconnect storm, as long as wanted, in seconds.
 */
export async function benchRenames(args: string[]): Promise<void> {
	const { user: id, count, prefix } = options(args, ['user', 'count', 'prefix']);
	const stored = existingStorage();
	const user = await stored.read((records) => records.users.find(id));
	if (!user) throw new CommandFailure(`No user ${id}.`);
	const head = await stored.change((tx) => {
		let last = 0;
		for (let i = 0; i < Number(count); i++) {
			last = tx.append({ type: 'user-update', data: { ...user, name: `${prefix}${i}` } }).id;
		}
		return last;
	});
	console.log(JSON.stringify({ head }));
}

/**
 * `bench-read-log --after <id>`: the catch-up's floor. Reads the log after the id a page of
 * 2,000 at a time, as the replay does, and serialises each event as a stream message; no
 * projection, no socket.
 */
export async function benchReadLog(args: string[]): Promise<void> {
	const { after } = options(args, ['after']);
	const log = existingStorage().log;
	const started = performance.now();
	let cursor = Number(after);
	let events = 0;
	let bytes = 0;
	for (;;) {
		const page = await log.pageAfter(cursor, 2000);
		for (const event of page.events) {
			const message = {
				type: 'event',
				id: event.id,
				event: { type: event.type, data: event.data }
			};
			bytes += Buffer.byteLength(JSON.stringify(message));
			events++;
			cursor = event.id;
		}
		if (page.complete) break;
	}
	const seconds = (performance.now() - started) / 1000;
	console.log(JSON.stringify({ events, seconds, bytes }));
}

/** `bench-event-times --after <id> --until <id>`: `[id, createdAt]` of each event in between. */
export async function benchEventTimes(args: string[]): Promise<void> {
	const { after, until } = options(args, ['after', 'until']);
	const log = existingStorage().log;
	const times: [number, number][] = [];
	for (let cursor = Number(after); cursor < Number(until);) {
		const page = await log.pageAfter(cursor, 2000);
		for (const event of page.events) {
			if (event.id > Number(until)) break;
			times.push([event.id, event.createdAt]);
		}
		if (page.complete || page.events.length === 0) break;
		cursor = page.events.at(-1)!.id;
	}
	console.log(JSON.stringify(times));
}
