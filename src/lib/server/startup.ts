import { resolve } from 'node:path';
import { sweepExpiredSessions } from './auth/session-end';
import { changedSettings, ConfigError, getConfig, shownDatabaseUrl, type Config } from './config';
import { closeStorage, openStorage, storage } from './storage';
import { registerEarlyAnswers } from './early-answers';
import { log } from './log';
import { seedDefaultSettings } from './settings/current-settings';
import { startStream } from './stream/start';

const key = Symbol.for('tidewatch.started');
const announceKey = Symbol.for('tidewatch.announceStart');
type Global = { [key]?: Promise<void>; [announceKey]?: (listen: string) => void };

/**
 * Runs once per process, whichever entry (adapter-node, Vite) gets there first: validates the
 * configuration, opens the database, starts the stream and the schedules.
 */
export function startApp(): Promise<void> {
	// Every caller waits for the one start: dev's upgrade handler looks for the stream after it.
	return ((globalThis as Global)[key] ??= start());
}

async function start(): Promise<void> {
	const g = globalThis as Global;
	const config = readConfigOrExit();
	await openStorageOrExit(config);
	await storage().change((tx) => seedDefaultSettings(tx, config));
	// server.js calls this once it listens: only then is the address known and true.
	g[announceKey] = (listen) =>
		log().info(
			{
				event: 'started',
				listen,
				database: config.DATABASE_URL
					? shownDatabaseUrl(config.DATABASE_URL)
					: resolve(config.DATABASE_PATH),
				settings: changedSettings(config)
			},
			`Tidewatch listens on ${listen}`
		);
	const stream = startStream();
	registerEarlyAnswers();
	const schedules = [
		every(config.SESSION_SWEEP_INTERVAL_SECONDS, () => {
			sweepExpiredSessions().catch((error) =>
				log().error({ event: 'session-sweep-failed', err: error }, 'session sweep failed')
			);
			void pruneOldSecurityRecords(config);
			void sweepAttempts();
		}),
		every(config.EVENT_PRUNE_INTERVAL_SECONDS, () => pruneOldEvents(config))
	];
	await pruneOldEvents(config);
	await pruneOldSecurityRecords(config);

	// adapter-node stops accepting on SIGTERM and waits for open connections: streams close
	// at once with 1001, then it emits `sveltekit:shutdown` once requests are done.
	const stopStreams = () => stream.stop();
	process.once('SIGTERM', stopStreams);
	process.once('SIGINT', stopStreams);
	process.once('sveltekit:shutdown' as 'beforeExit', () => {
		for (const schedule of schedules) clearInterval(schedule);
		void closeStorage();
	});
}

function readConfigOrExit(): Config {
	try {
		return getConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
}

async function openStorageOrExit(config: Config): Promise<void> {
	try {
		await openStorage();
	} catch (error) {
		const where = config.DATABASE_URL
			? shownDatabaseUrl(config.DATABASE_URL)
			: resolve(config.DATABASE_PATH);
		console.error(
			`Tidewatch cannot open its database (${where}): ${error instanceof Error ? error.message : error}`
		);
		process.exit(1);
	}
}

function every(seconds: number, task: () => unknown): NodeJS.Timeout {
	const timer = setInterval(task, seconds * 1000);
	timer.unref();
	return timer;
}

/** Attempts that left their limit's window count no more (`auth/rate-limit.ts`). */
async function sweepAttempts() {
	try {
		await storage().change((tx) => tx.attempts.prune(Date.now()));
	} catch (error) {
		log().error({ event: 'attempt-sweep-failed', err: error }, 'attempt sweep failed');
	}
}

async function pruneOldEvents(config: Config) {
	try {
		const before = Date.now() - config.EVENT_RETENTION_SECONDS * 1000;
		await storage().log.prune(before);
		// The schedule's changes are read from events, and kept as long as they are.
		await storage().change((tx) => tx.scheduleChanges.prune(before));
	} catch (error) {
		log().error({ event: 'event-prune-failed', err: error }, 'event pruning failed');
	}
}

async function pruneOldSecurityRecords(config: Config) {
	try {
		const before = Date.now() - config.SECURITY_RECORD_RETENTION_SECONDS * 1000;
		await storage().change(async (tx) => {
			// Security records tell a person what happened to their account lately.
			await tx.securityRecords.prune(before);
			// The audit trail tells of the same kind of recent history and keeps as long.
			await tx.audit.prune(before);
		});
	} catch (error) {
		log().error(
			{ event: 'security-record-prune-failed', err: error },
			'security record pruning failed'
		);
	}
}
