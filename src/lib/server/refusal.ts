/** A request the app understood and declines; `field` names the form field it is about. */
export class Refusal extends Error {
	constructor(
		readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 429,
		message: string,
		readonly field?: string,
		/** For 429: seconds until a retry may succeed, sent as Retry-After. */
		readonly retryAfterSeconds?: number
	) {
		super(message);
	}

	/** What a caller may act on besides the message, sent beside it in the answer. */
	get details(): Record<string, number> {
		return {};
	}

	get headers(): Record<string, string> {
		return this.retryAfterSeconds ? { 'retry-after': String(this.retryAfterSeconds) } : {};
	}

	/** What the API answers: `{ message }`, and more where a refusal carries more. */
	get body(): Record<string, unknown> {
		return { message: this.message, ...this.details };
	}
}

/**
 * The wait before a retry, as a person reads it: "try again in 40 seconds", "… in 3 minutes",
 * or "try again later" when nobody can tell. Every refusal that asks for a retry says it so.
 */
export function tryAgain(waitMs?: number): string {
	if (waitMs === undefined) return 'try again later';
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	if (seconds < 120) return `try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
	return `try again in ${Math.ceil(seconds / 60)} minutes`;
}

/** The 429 of a limit, its wait in words a person reads and in `Retry-After`. */
export function tooOftenRefusal(what: string, waitMs: number, field?: string): Refusal {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	return new Refusal(429, `${what}: ${tryAgain(waitMs)}`, field, seconds);
}

/**
 * A change based on a version that is no longer the current one (docs/api.md, "Versions"):
 * 409 with the current state and its ETag, so the client can show what changed and let the
 * person decide, rather than overwrite it unseen.
 */
export class StaleVersion<T extends { version?: number }> extends Refusal {
	constructor(
		message: string,
		readonly current: T
	) {
		super(409, message);
	}

	get headers(): Record<string, string> {
		return this.current.version === undefined ? {} : { etag: versionTag(this.current.version) };
	}

	get body(): Record<string, unknown> {
		return { message: this.message, current: this.current };
	}
}

/** The ETag of a version: a strong tag, the version number quoted. */
export const versionTag = (version: number) => `"${version}"`;

/**
 * The versions an If-Match header accepts: null for `*` or no header (any version will do),
 * else the versions its tags name. A weak tag or one not of ours names none (If-Match compares
 * strongly), so it never matches.
 */
export function ifMatchVersions(header: string | null | undefined): number[] | null {
	if (header === null || header === undefined || header.trim() === '*') return null;
	return header
		.split(',')
		.map((tag) => /^\s*"(\d{1,15})"\s*$/.exec(tag))
		.filter((match) => match !== null)
		.map((match) => Number(match[1]));
}
