/**
 * A fetch with a cookie jar, standing for one browser: what the server sets, it sends back.
 * It speaks the app's own origin, as a browser on the app's pages would.
 */
export class Client {
	readonly cookies = new Map<string, string>();
	lastSetCookie: string[] = [];

	constructor(
		readonly baseUrl: string,
		readonly userAgent = 'tidewatch-test'
	) {}

	get cookieHeader(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}

	async fetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', this.cookieHeader);
		if (!headers.has('origin')) headers.set('origin', this.baseUrl);
		headers.set('user-agent', this.userAgent);
		let body = init.body;
		if (init.json !== undefined) {
			headers.set('content-type', 'application/json');
			body = JSON.stringify(init.json);
		}
		const response = await fetch(this.baseUrl + path, {
			...init,
			body,
			headers,
			redirect: 'manual'
		});
		this.lastSetCookie = response.headers.getSetCookie();
		for (const line of this.lastSetCookie) {
			const [pair, ...attributes] = line.split(';');
			const [name, value] = pair.split('=');
			const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim())) || value === '';
			if (expired) this.cookies.delete(name.trim());
			else this.cookies.set(name.trim(), value);
		}
		return response;
	}

	json(path: string, method: string, json?: unknown) {
		return this.fetch(path, { method, json });
	}

	register(name: string, password = 'password123') {
		return this.json('/api/auth/register', 'POST', { name, password });
	}

	/**
	 * As an admin: saves the settings once, unchanged, which sets a new instance up, so its admin
	 * pages open instead of sending the admin to the setup page.
	 */
	async setUp() {
		const response = await this.json('/api/settings', 'PATCH', { timeZone: 'UTC' });
		if (response.status !== 200) throw new Error(`setting up answered ${response.status}`);
	}

	login(name: string, password = 'password123') {
		return this.json('/api/auth/login', 'POST', { name, password });
	}

	/** Posts a form as a browser without JavaScript would. */
	form(path: string, fields: Record<string, string>) {
		return this.fetch(path, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html'
			},
			body: new URLSearchParams(fields).toString()
		});
	}
}

/**
 * A file's answer once it carries its Last-Modified: a body built in the same second as the one
 * before it is dated the next second, and that date is left out until it is due.
 */
export async function dated(get: () => Promise<Response>): Promise<Response> {
	for (;;) {
		const response = await get();
		if (response.headers.has('last-modified')) return response;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
