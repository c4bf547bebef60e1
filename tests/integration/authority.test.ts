import { request } from 'node:http';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite, type TestServer } from '../helpers/server';
import { connectStream } from '../helpers/stream';
import { sleep } from '../helpers/wait';

/*
 * Contract §5: authority is checked where it is used. The hooks read the session when the
 * headers arrive; a body may come much later. These requests send their headers and half their
 * body, wait while the acting session is logged out or its user demoted, then finish.
 */

interface Answer {
	status: number;
	body: string;
}

/** A request whose body is held back after its first half until `finish()`. */
function slowRequest(
	client: Client,
	method: string,
	path: string,
	body: string,
	contentType = 'application/json'
) {
	const bytes = Buffer.from(body);
	const half = Math.floor(bytes.length / 2);
	const req = request(client.baseUrl + path, {
		method,
		headers: {
			cookie: client.cookieHeader,
			origin: client.baseUrl,
			'user-agent': client.userAgent,
			'content-type': contentType,
			accept: 'application/json',
			'content-length': bytes.length
		}
	});
	const answer = new Promise<Answer>((resolve, reject) => {
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () =>
				resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() })
			);
		});
		req.on('error', reject);
	});
	req.flushHeaders();
	req.write(bytes.subarray(0, half));
	return {
		answer,
		finish: async () => {
			req.end(bytes.subarray(half));
			return answer;
		}
	};
}

/** Long enough for the server to have read the headers and run its hooks. */
const headersRead = () => sleep(300);

async function registered(
	server: TestServer,
	name: string
): Promise<{ client: Client; id: string }> {
	const client = new Client(server.url);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	return { client, id: (await response.json()).id };
}

describe('authority is checked inside the write transaction', () => {
	const server = serverForSuite();
	let admin: Client;
	const typeOf = (id: string) =>
		server.query<{ type: string }>('SELECT type FROM "user" WHERE id = ?', id)[0]?.type;
	const nameOf = (id: string) =>
		server.query<{ name: string }>('SELECT name FROM "user" WHERE id = ?', id)[0]?.name;
	const eventCount = () => server.query<{ n: number }>('SELECT COUNT(*) AS n FROM event')[0].n;
	/** Rows of every table an admin change writes to (besides the user's own row). */
	const rowCounts = () =>
		['event', 'audit', 'location', 'entry', 'invitation', 'password_reset'].map(
			(table) => server.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0].n
		);

	beforeAll(async () => {
		admin = (await registered(server, 'First')).client;
	});

	/** A second admin, promoted by the first (the first user ever). */
	async function secondAdmin(name: string) {
		const user = await registered(server, name);
		const promoted = await admin.json(`/api/users/${user.id}`, 'PATCH', { type: 'admin' });
		expect(promoted.status).toBe(200);
		return user;
	}

	it('an admin change whose body arrives after its session logged out is refused 401 and changes nothing', async () => {
		const acting = await secondAdmin('Leaving');
		const target = await registered(server, 'TargetA');
		const pending = slowRequest(
			acting.client,
			'PATCH',
			`/api/users/${target.id}`,
			JSON.stringify({ type: 'crew' })
		);
		await headersRead();
		expect((await acting.client.json('/api/auth/session', 'DELETE')).status).toBe(204);
		const events = eventCount();
		const answer = await pending.finish();
		expect(answer.status, answer.body).toBe(401);
		expect(JSON.parse(answer.body)).toEqual({ message: expect.any(String) });
		expect(typeOf(target.id)).toBe('regular');
		expect(eventCount()).toBe(events);
	});

	it('an admin change whose body arrives after its user was demoted is refused 403 and changes nothing', async () => {
		const acting = await secondAdmin('Demoted');
		const target = await registered(server, 'TargetB');
		const pending = slowRequest(
			acting.client,
			'PATCH',
			`/api/users/${target.id}`,
			JSON.stringify({ type: 'admin' })
		);
		await headersRead();
		expect((await admin.json(`/api/users/${acting.id}`, 'PATCH', { type: 'regular' })).status).toBe(
			200
		);
		const events = eventCount();
		const answer = await pending.finish();
		expect(answer.status, answer.body).toBe(403);
		expect(typeOf(target.id)).toBe('regular');
		expect(eventCount()).toBe(events);
	});

	it('every other kind of admin change whose body arrives after its user was demoted is refused 403 and changes nothing', async () => {
		const acting = await secondAdmin('DemotedMid');
		const target = await registered(server, 'TargetD');
		const start = Date.UTC(2030, 0, 1, 10);
		const pending = [
			['PATCH', '/api/settings', { name: 'Renamed late' }],
			['POST', '/api/locations', { name: 'Late room' }],
			['POST', '/api/entries', { title: 'Late entry', start, end: start + 3_600_000 }],
			['POST', '/api/invitations', {}],
			['POST', `/api/users/${target.id}/password-reset`, {}],
			['PATCH', `/api/users/${target.id}`, { suspended: true }]
		].map(([method, path, body]) =>
			slowRequest(acting.client, method as string, path as string, JSON.stringify(body))
		);
		await headersRead();
		expect((await admin.json(`/api/users/${acting.id}`, 'PATCH', { type: 'regular' })).status).toBe(
			200
		);
		const before = rowCounts();
		const answers = await Promise.all(pending.map((request) => request.finish()));
		expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403, 403]);
		expect(rowCounts()).toEqual(before);
		expect(server.query('SELECT suspended_at FROM "user" WHERE id = ?', target.id)).toEqual([
			{ suspended_at: null }
		]);
	});

	it('an admin form posted slowly after its user was demoted is refused 403 and changes nothing', async () => {
		const acting = await secondAdmin('FormDemoted');
		const target = await registered(server, 'TargetC');
		const pending = slowRequest(
			acting.client,
			'POST',
			'/users?/setType',
			new URLSearchParams({ id: target.id, type: 'crew' }).toString(),
			'application/x-www-form-urlencoded'
		);
		await headersRead();
		expect((await admin.json(`/api/users/${acting.id}`, 'PATCH', { type: 'regular' })).status).toBe(
			200
		);
		const answer = await pending.finish();
		expect(answer.body).toContain('only an admin may do this');
		expect(typeOf(target.id)).toBe('regular');
	});

	it('a rename whose body arrives after its session logged out is refused 401 and changes nothing', async () => {
		const user = await registered(server, 'Renamer');
		const pending = slowRequest(
			user.client,
			'PATCH',
			'/api/auth/account',
			JSON.stringify({ name: 'Renamed late' })
		);
		await headersRead();
		expect((await user.client.json('/api/auth/session', 'DELETE')).status).toBe(204);
		const answer = await pending.finish();
		expect(answer.status, answer.body).toBe(401);
		expect(nameOf(user.id)).toBe('Renamer');
	});

	it('ending other sessions with a body that arrives after a logout is refused 401', async () => {
		const user = await registered(server, 'Ender');
		const other = new Client(server.url, 'other-browser');
		expect((await other.login('Ender')).status).toBe(200);
		const pending = slowRequest(
			user.client,
			'DELETE',
			'/api/auth/sessions',
			JSON.stringify({ currentPassword: 'password123' })
		);
		await headersRead();
		expect((await user.client.json('/api/auth/session', 'DELETE')).status).toBe(204);
		const answer = await pending.finish();
		expect(answer.status, answer.body).toBe(401);
		expect((await other.fetch('/api/auth/account')).status).toBe(200);
	});
});

/** Writes raw bytes and resolves with what came back and when the server closed, in ms. */
function rawUntilClosed(server: TestServer, bytes: string): Promise<{ ms: number; text: string }> {
	return new Promise((resolve) => {
		const started = Date.now();
		const socket = connect(server.port, '127.0.0.1');
		let text = '';
		socket.on('data', (chunk) => (text += chunk.toString('latin1')));
		socket.on('error', () => {});
		socket.on('close', () => resolve({ ms: Date.now() - started, text }));
		socket.write(bytes);
	});
}

describe('HTTP timeouts', () => {
	const server = serverForSuite({
		HTTP_HEADERS_TIMEOUT_SECONDS: '1',
		HTTP_REQUEST_TIMEOUT_SECONDS: '2'
	});

	it('a request whose body never completes is cut after HTTP_REQUEST_TIMEOUT_SECONDS', async () => {
		const { ms, text } = await rawUntilClosed(
			server,
			`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
				'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":'
		);
		expect(text).toMatch(/^HTTP\/1\.1 408/);
		expect(ms).toBeGreaterThanOrEqual(1900);
		expect(ms).toBeLessThan(4000);
	});

	it('a request whose headers never complete is cut after HTTP_HEADERS_TIMEOUT_SECONDS', async () => {
		const { ms, text } = await rawUntilClosed(
			server,
			`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `
		);
		expect(text).toMatch(/^HTTP\/1\.1 408/);
		expect(ms).toBeGreaterThanOrEqual(900);
		expect(ms).toBeLessThan(3000);
	});

	it('a stream outlives the request timeout', async () => {
		const client = new Client(server.url);
		expect((await client.register('Streamer')).status).toBe(201);
		const stream = await connectStream(server, { cookie: client.cookieHeader });
		await sleep(3500);
		expect(stream.isOpen).toBe(true);
		await stream.flush();
		const before = stream.events.length;
		expect((await client.json('/api/auth/account', 'PATCH', { name: 'Still live' })).status).toBe(
			200
		);
		await stream.waitFor(() => stream.events.length > before, 'the rename');
		stream.close();
	});
});
