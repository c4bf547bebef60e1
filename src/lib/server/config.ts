import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	ORIGIN: z.url().optional(),
	DATABASE_PATH: z.string().min(1).default('./data/tidewatch.db'),
	/** PostgreSQL rather than the SQLite file at DATABASE_PATH: any number of instances share it. */
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, { error: 'must start with postgres:// or postgresql://' })
		.optional(),
	/** Connections each instance keeps to PostgreSQL, besides the one that listens. */
	DATABASE_POOL_SIZE: count(10),
	SESSION_ROTATE_SECONDS: seconds(3600),
	SESSION_GRACE_SECONDS: seconds(10),
	SESSION_IDLE_SECONDS: seconds(1_209_600),
	SESSION_MAX_SECONDS: seconds(2_592_000),
	EVENT_RETENTION_SECONDS: seconds(2_592_000),
	EVENT_PRUNE_INTERVAL_SECONDS: seconds(3600),
	SESSION_SWEEP_INTERVAL_SECONDS: seconds(60),
	STREAM_HEARTBEAT_SECONDS: seconds(30),
	/** Slow clients: a request's headers, and the whole request, must arrive within these. */
	HTTP_HEADERS_TIMEOUT_SECONDS: seconds(30),
	HTTP_REQUEST_TIMEOUT_SECONDS: seconds(60),
	/** Security records (a taken session…) are kept this long, then pruned. */
	SECURITY_RECORD_RETENTION_SECONDS: seconds(7_776_000),
	/** Guessing limits, each within the window (docs/security.md, "Guessing limits"). */
	RATE_LIMIT_WINDOW_SECONDS: seconds(900),
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS: count(10),
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME: count(100),
	/** Names, not attempts: a venue's hall shares one address (docs/security.md). */
	RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: count(200),
	RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: z
		.never({
			error: 'renamed RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS, which counts names that failed'
		})
		.optional(),
	RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION: count(10),
	RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: count(200),
	/** Unknown, used or expired password reset links tried from one address. */
	RATE_LIMIT_PASSWORD_RESET_FAILURES_PER_ADDRESS: count(20),
	/** Successful logins per user within the window: each one writes to the database. */
	RATE_LIMIT_LOGINS_PER_USER: count(30),
	/**
	 * Changes a user other than an admin may make (marks, renames, feeds, shift places, ending
	 * own logins) within any minute and any hour: each one writes to the database, and most
	 * reach other people's streams.
	 */
	RATE_LIMIT_WRITES_PER_USER_PER_MINUTE: count(30),
	RATE_LIMIT_WRITES_PER_USER_PER_HOUR: count(300),
	/** How long the write budget's minute and hour last: tests shorten them, as they do time. */
	RATE_LIMIT_WRITES_MINUTE_SECONDS: seconds(60),
	RATE_LIMIT_WRITES_HOUR_SECONDS: seconds(3600),
	/** Live logins a user may hold; a new one beyond it ends the least recently used. */
	SESSION_MAX_LOGINS_PER_USER: count(20),
	/**
	 * Open streams, refused beyond with 429 at the upgrade: in all (memory), without a session
	 * from one client address (a venue's hall is one address), and per user.
	 */
	STREAM_MAX_PER_INSTANCE: count(10_000),
	STREAM_MAX_PER_ADDRESS: count(5_000),
	STREAM_MAX_PER_USER: count(20),
	/** A stream whose cursor is further behind than this gets resync: a reload costs less. */
	STREAM_REPLAY_MAX_EVENTS: count(20_000),
	/** adapter-node's own: where the client address comes from behind a reverse proxy. */
	ADDRESS_HEADER: z
		.string()
		.transform((name) => name.toLowerCase())
		.optional(),
	XFF_DEPTH: z.coerce.number().int().positive().default(1),
	/**
	 * adapter-node's own: without ORIGIN, the headers that carry the request's protocol, host and
	 * port. Read here too, so the stream and the early pages tell the origin as SvelteKit does.
	 */
	PROTOCOL_HEADER: z
		.string()
		.transform((name) => name.toLowerCase())
		.optional(),
	HOST_HEADER: z
		.string()
		.transform((name) => name.toLowerCase())
		.optional(),
	PORT_HEADER: z
		.string()
		.transform((name) => name.toLowerCase())
		.optional(),
	/** Who may register on a fresh instance; read once, when the settings are first written. */
	REGISTRATION: z
		.enum(['open', 'invite', 'closed'], { error: 'must be open, invite or closed' })
		.default('open'),
	/** How much the server log says: one JSON object per line on standard output. */
	LOG_LEVEL: z
		.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
			error: 'must be fatal, error, warn, info, debug, trace or silent'
		})
		.default('info'),
	STREAM_MAX_BUFFER_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(4 * 1024 * 1024),
	/**
	 * The schedule pages kept rendered: the public ones (gzip bytes), and as much again for the
	 * pages of each account type that logged-in visitors' pages are made from (docs/performance.md).
	 */
	PAGE_CACHE_MAX_BYTES: count(32 * 1024 * 1024),
	/**
	 * How long after a later event (or the next minute) the previous page may still be served
	 * while one request renders the new one; 0 makes every visitor after an event wait for it.
	 */
	PAGE_CACHE_STALE_SECONDS: z.coerce.number().min(0).max(1).default(1)
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Reads the environment once; a bad value names its variable in a single line. */
export function parseConfig(env: Record<string, string | undefined>): Config {
	// An empty variable means "not set", as in most shells' `FOO= cmd`.
	const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
	const result = schema.safeParse(present);
	if (!result.success) {
		const issue = result.error.issues[0];
		const name = String(issue.path[0] ?? 'environment');
		throw new ConfigError(
			`Invalid configuration: ${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`
		);
	}
	return result.data;
}

/**
 * The settings that differ from their defaults, for the start-up log. The only secret among
 * them, DATABASE_URL's password, is left out; a future secret must be left out here too.
 */
export function changedSettings(config: Config): Partial<Config> {
	const defaults = schema.parse({}) as Record<string, unknown>;
	const changed = Object.fromEntries(
		Object.entries(config).filter(([name, value]) => value !== defaults[name])
	) as Partial<Config>;
	if (changed.DATABASE_URL) changed.DATABASE_URL = shownDatabaseUrl(changed.DATABASE_URL);
	return changed;
}

/** DATABASE_URL without its password, for logs. */
export function shownDatabaseUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.href;
	} catch {
		return url.replace(/\/\/[^@/]*@/, '//***@');
	}
}

const key = Symbol.for('tidewatch.config');
type Global = { [key]?: Config };

export function getConfig(): Config {
	return ((globalThis as Global)[key] ??= parseConfig(process.env));
}
