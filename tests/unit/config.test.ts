import { describe, expect, it } from 'vitest';
import { changedSettings, ConfigError, parseConfig } from '$lib/server/config';

describe('configuration', () => {
	it('has the contract defaults', () => {
		const config = parseConfig({});
		expect(config).toMatchObject({
			PORT: 3000,
			DATABASE_PATH: './data/tidewatch.db',
			SESSION_ROTATE_SECONDS: 3600,
			SESSION_GRACE_SECONDS: 10,
			SESSION_IDLE_SECONDS: 1_209_600,
			SESSION_MAX_SECONDS: 2_592_000,
			EVENT_RETENTION_SECONDS: 2_592_000,
			STREAM_HEARTBEAT_SECONDS: 30,
			HTTP_HEADERS_TIMEOUT_SECONDS: 30,
			HTTP_REQUEST_TIMEOUT_SECONDS: 60,
			SECURITY_RECORD_RETENTION_SECONDS: 7_776_000
		});
	});

	it('a bad value fails with one line naming the variable', () => {
		expect(() => parseConfig({ SESSION_GRACE_SECONDS: 'soon' })).toThrow(ConfigError);
		try {
			parseConfig({ SESSION_GRACE_SECONDS: 'soon' });
		} catch (error) {
			expect((error as Error).message).toMatch(
				/^Invalid configuration: SESSION_GRACE_SECONDS="soon"/
			);
			expect((error as Error).message).not.toContain('\n');
		}
		expect(() => parseConfig({ PORT: '70000' })).toThrow(/PORT/);
		expect(() => parseConfig({ ORIGIN: 'not a url' })).toThrow(/ORIGIN/);
	});

	it('a renamed variable is refused with its new name, not silently ignored', () => {
		expect(() => parseConfig({ RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: '50' })).toThrow(
			/RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS="50": renamed RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS/
		);
	});

	it('is sized for a venue: thousands of phones behind one address', () => {
		expect(parseConfig({})).toMatchObject({
			STREAM_MAX_PER_INSTANCE: 10_000,
			STREAM_MAX_PER_ADDRESS: 5_000,
			STREAM_MAX_PER_USER: 20,
			RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: 200,
			RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: 200
		});
	});

	it('reads numbers from strings and treats empty as unset', () => {
		expect(parseConfig({ SESSION_ROTATE_SECONDS: '2', PORT: '' })).toMatchObject({
			SESSION_ROTATE_SECONDS: 2,
			PORT: 3000
		});
	});

	it('the start-up log lists exactly the settings that differ from their defaults', () => {
		expect(changedSettings(parseConfig({}))).toEqual({});
		expect(
			changedSettings(
				parseConfig({ PORT: '8080', STREAM_HEARTBEAT_SECONDS: '30', LOG_LEVEL: 'warn' })
			)
		).toEqual({ PORT: 8080, LOG_LEVEL: 'warn' });
	});

	it('LOG_LEVEL is info by default and only takes pino level names', () => {
		expect(parseConfig({}).LOG_LEVEL).toBe('info');
		expect(parseConfig({ LOG_LEVEL: 'silent' }).LOG_LEVEL).toBe('silent');
		expect(() => parseConfig({ LOG_LEVEL: 'loud' })).toThrow(
			/^Invalid configuration: LOG_LEVEL="loud"/
		);
	});
});
