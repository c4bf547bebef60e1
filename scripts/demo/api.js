// A small HTTP client for the demo: one cookie jar per person, JSON in and out, and any answer
// other than the expected status stops the demo with the app's own message.

export class Person {
	/** @param {string} origin */
	constructor(origin) {
		this.origin = origin;
		/** @type {Map<string, string>} */
		this.cookies = new Map();
	}

	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {unknown} [body]
	 * @param {number[]} [expected] statuses that are not a failure
	 */
	async call(method, path, body, expected = [200, 201, 204]) {
		/** @type {Record<string, string>} */
		const headers = { origin: this.origin };
		if (this.cookies.size) {
			headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
		}
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(this.origin + path, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			redirect: 'manual'
		});
		for (const line of response.headers.getSetCookie()) {
			const [pair] = line.split(';');
			const at = pair.indexOf('=');
			const name = pair.slice(0, at).trim();
			const value = pair.slice(at + 1);
			if (value === '' || /max-age=0\b/i.test(line)) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
		const text = await response.text();
		let data = null;
		try {
			data = text ? JSON.parse(text) : null;
		} catch {
			// Not JSON (a proxy's page, a crash): the text itself is the message below.
		}
		if (!expected.includes(response.status)) {
			throw new Error(`${method} ${path} answered ${response.status}: ${data?.message ?? text}`);
		}
		return { status: response.status, data };
	}
}
