import { pino, type Logger } from 'pino';
import { getConfig } from './config';

const key = Symbol.for('tidewatch.log');
type Global = { [key]?: Logger };

/**
 * What may never reach the log, should a caller pass a whole object: credentials, tokens and
 * cookies are replaced by "[Redacted]" wherever pino finds them under these names.
 */
const secrets = [
	'password',
	'currentPassword',
	'newPassword',
	'token',
	'cookie',
	'*.password',
	'*.currentPassword',
	'*.newPassword',
	'*.token',
	'*.cookie',
	'*.headers.cookie',
	'*.headers["set-cookie"]'
];

/**
 * The process's one logger: one JSON object per line on standard output, at `LOG_LEVEL`
 * (read it in a terminal through `npx pino-pretty`). Every entry has an `event` word.
 */
export function log(): Logger {
	return ((globalThis as Global)[key] ??= pino({
		level: getConfig().LOG_LEVEL,
		base: { pid: process.pid },
		timestamp: pino.stdTimeFunctions.isoTime,
		redact: secrets
	}));
}
