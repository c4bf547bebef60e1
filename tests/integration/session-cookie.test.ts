import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream } from '../helpers/stream';

// One rule for which session cookie counts, read alike by the hooks, the early pages and the
// stream's upgrade (src/lib/server/request-pipeline.ts).
const server = serverForSuite();
const cookieName = 'tidewatch_session';

let first: Client;
let second: Client;
beforeAll(async () => {
	first = new Client(server.url);
	expect((await first.register('First')).status).toBe(201);
	second = new Client(server.url);
	expect((await second.register('Second')).status).toBe(201);
});

/** The account each reader finds with this Cookie header, or null for none. */
async function readers(cookie: string) {
	const headers = { cookie, origin: server.url };
	const session = await (await fetch(`${server.url}/api/auth/session`, { headers })).json();
	// An API change: 404 for an entry that does not exist once logged in, 401 before.
	const change = await fetch(`${server.url}/api/auth/account/interests/no-such-entry`, {
		method: 'PUT',
		headers
	});
	const stream = await connectStream(server, { cookie });
	const connected = stream.messages[0] as { session: { account: { name: string } } | null };
	stream.close();
	return {
		http: session.session?.account.name ?? null,
		change: change.status === 401 ? null : change.status,
		stream: connected.session?.account.name ?? null
	};
}

const token = (client: Client) => `${cookieName}=${client.cookies.get(cookieName)}`;

describe('which session cookie counts', () => {
	it('with one session cookie, every reader finds its session', async () => {
		expect(await readers(token(first))).toEqual({ http: 'First', change: 404, stream: 'First' });
	});

	it('two session cookies of different values are ambiguous: an API read, an API change and the stream all read no session', async () => {
		for (const cookie of [
			`${token(first)}; ${token(second)}`,
			`${token(second)}; other=1; ${token(first)}`
		]) {
			expect(await readers(cookie)).toEqual({ http: null, change: null, stream: null });
		}
		// The same value twice names one session.
		expect(await readers(`${token(first)}; ${token(first)}`)).toEqual({
			http: 'First',
			change: 404,
			stream: 'First'
		});
	});

	it('an undecodable cookie of another app before ours changes nothing: every reader still finds ours', async () => {
		for (const stray of ['other=%E0%A4%A', 'other="%zz', 'broken']) {
			expect(await readers(`${stray}; ${token(first)}`)).toEqual({
				http: 'First',
				change: 404,
				stream: 'First'
			});
		}
	});
});
