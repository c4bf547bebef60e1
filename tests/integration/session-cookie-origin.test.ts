import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverForSuite } from '../helpers/server';

// Which session cookie counts depends on the request's origin: over https only the __Host- name
// does. Without ORIGIN, behind a TLS proxy on the same machine, adapter-node takes the origin
// from PROTOCOL_HEADER and HOST_HEADER; a page, an API change and the stream's upgrade must all
// take it alike (src/lib/server/request-pipeline.ts), or one request carrying two session
// cookies is a different session to each of them.
const server = serverForSuite({
	ORIGIN: '',
	PROTOCOL_HEADER: 'x-forwarded-proto',
	HOST_HEADER: 'x-forwarded-host'
});
const origin = 'https://localhost:8443';
const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost:8443', origin };
const names = ['Forwarded-First', 'Forwarded-Second'];
const tokens: string[] = [];
const secureName = '__Host-tidewatch_session';
const plainName = 'tidewatch_session';

beforeAll(async () => {
	for (const name of names) {
		const response = await fetch(`${server.url}/api/auth/register`, {
			method: 'POST',
			headers: { ...forwarded, 'content-type': 'application/json' },
			body: JSON.stringify({ name, password: 'password123' })
		});
		expect(response.status).toBe(201);
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${secureName}=`));
		tokens.push(cookie!.split(';')[0].slice(secureName.length + 1));
	}
});

/** Which account the stream's upgrade finds with these headers: its `connected` session. */
function streamReader(headers: Record<string, string>): Promise<string | null> {
	return new Promise((done, fail) => {
		const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/events?lastEventId=0`, {
			headers
		});
		ws.once('message', (data) => {
			const connected = JSON.parse(String(data)) as {
				session: { account: { name: string } } | null;
			};
			ws.close();
			done(connected.session?.account.name ?? null);
		});
		ws.once('unexpected-response', (_request, response) =>
			fail(new Error(`the upgrade was refused with ${response.statusCode}`))
		);
		ws.once('error', fail);
	});
}

/** The account each reader finds with this Cookie header, or null for none. */
async function readers(cookie: string) {
	const headers = { ...forwarded, cookie };
	// A page: /account shows the account's own name, and sends anyone else to log in.
	const page = await fetch(`${server.url}/account`, { headers, redirect: 'manual' });
	const html = await page.text();
	// An API change: deleting a user no one has. The first user is the admin (404: no such
	// user), the second a regular user (403), no session 401.
	const change = await fetch(`${server.url}/api/users/no-such-user`, {
		method: 'DELETE',
		headers
	});
	const byStatus: Record<number, string | null> = { 404: names[0], 403: names[1], 401: null };
	return {
		page: page.status === 200 ? (names.find((name) => html.includes(name)) ?? '?') : null,
		change: change.status in byStatus ? byStatus[change.status] : `status ${change.status}`,
		stream: await streamReader(headers)
	};
}

const pair = (name: string, token: string) => `${name}=${token}`;

describe('which session cookie counts behind a forwarded https origin', () => {
	it('the __Host- cookie counts beside a plain one: the page, an API change and the stream all find its session', async () => {
		for (const cookie of [
			`${pair(secureName, tokens[0])}; ${pair(plainName, tokens[1])}`,
			`${pair(plainName, tokens[1])}; ${pair(secureName, tokens[0])}`
		]) {
			expect(await readers(cookie)).toEqual({
				page: names[0],
				change: names[0],
				stream: names[0]
			});
		}
	});

	it('two different __Host- cookies are ambiguous, and a plain one alone is not ours: no reader finds a session', async () => {
		for (const cookie of [
			`${pair(secureName, tokens[0])}; ${pair(secureName, tokens[1])}`,
			pair(plainName, tokens[0])
		]) {
			expect(await readers(cookie)).toEqual({
				page: null,
				change: null,
				stream: null
			});
		}
	});
});
