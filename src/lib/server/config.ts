import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	ORIGIN: z.url().optional(),
	DATABASE_PATH: z.string().min(1).default('./data/tidewatch.db'),
	SESSION_ROTATE_SECONDS: seconds(3600),
	SESSION_GRACE_SECONDS: seconds(10),
	SESSION_IDLE_SECONDS: seconds(1_209_600),
	SESSION_MAX_SECONDS: seconds(2_592_000),
	EVENT_RETENTION_SECONDS: seconds(2_592_000),
	EVENT_PRUNE_INTERVAL_SECONDS: seconds(3600),
	SESSION_SWEEP_INTERVAL_SECONDS: seconds(60),
	STREAM_HEARTBEAT_SECONDS: seconds(30),
	/** Brute force: failed logins per name, and per client address, within the window. */
	RATE_LIMIT_WINDOW_SECONDS: seconds(900),
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME: z.coerce.number().int().positive().default(10),
	RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(50),
	RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: z.coerce.number().int().positive().default(20),
	/** Who may register on a fresh instance; read once, when the settings are first written. */
	REGISTRATION: z
		.enum(['open', 'invite', 'closed'], { error: 'must be open, invite or closed' })
		.default('open'),
	STREAM_MAX_BUFFER_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(4 * 1024 * 1024)
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

const key = Symbol.for('tidewatch.config');
type Global = { [key]?: Config };

export function getConfig(): Config {
	return ((globalThis as Global)[key] ??= parseConfig(process.env));
}
