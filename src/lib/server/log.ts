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

/** Client errors logged in one minute; the rest are counted in one line when it ends. */
export const clientErrorsPerMinute = 20;

const budgetKey = Symbol.for('tidewatch.clientErrorBudget');
interface Budget {
	start: number;
	logged: number;
	held: number;
	timer?: NodeJS.Timeout;
}
type BudgetGlobal = { [budgetKey]?: Budget };

/**
 * A request the client got wrong (a 4xx: a form post without a form, an unknown action, a
 * change from another origin): worth a line at info, without a stack, since nothing on the
 * server failed. Anyone can send them by the thousand, so at most `clientErrorsPerMinute`
 * lines a minute are written, each of bounded length, and the rest counted.
 */
export function logClientError(fields: Record<string, unknown>, message: string): void {
	if (!log().isLevelEnabled('info')) return;
	const now = Date.now();
	const budget = ((globalThis as BudgetGlobal)[budgetKey] ??= { start: now, logged: 0, held: 0 });
	if (now - budget.start >= 60_000) {
		reportHeld(budget);
		budget.start = now;
		budget.logged = 0;
	}
	if (budget.logged < clientErrorsPerMinute) {
		budget.logged++;
		log().info({ event: 'client-error', ...clipped(fields) }, clip(message));
		return;
	}
	budget.held++;
	budget.timer ??= setTimeout(() => reportHeld(budget), budget.start + 60_000 - now).unref();
}

function reportHeld(budget: Budget): void {
	clearTimeout(budget.timer);
	budget.timer = undefined;
	if (budget.held === 0) return;
	log().info(
		{ event: 'client-errors-held', count: budget.held },
		`${budget.held} more client errors this minute were not logged`
	);
	budget.held = 0;
}

/** What a client wrote (a path, a header) is cut to this many characters in a client error. */
const clipLength = 200;
const clip = (text: string) => (text.length > clipLength ? text.slice(0, clipLength) + '…' : text);
const clipped = (fields: Record<string, unknown>) =>
	Object.fromEntries(
		Object.entries(fields).map(([key, value]) => [
			key,
			typeof value === 'string' ? clip(value) : value
		])
	);
