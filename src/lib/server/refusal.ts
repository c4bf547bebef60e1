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
}
