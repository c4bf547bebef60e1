import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream } from '../helpers/stream';

// The busiest changes are answered by server.js's direct path before SvelteKit. It must answer
// every request exactly as SvelteKit does: the same script of requests runs against a server
// with the direct path and one with DIRECT_CHANGES=off, and every answer must match (status,
// headers, body; ids, times and cookie tokens aside). The direct server logs each answer it
// gives at debug level, which shows which requests took the direct path.

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

interface Send {
	method: string;
	path: string;
	cookie?: string;
	json?: unknown;
	/** Raw body bytes, with `type` as content-type. */
	raw?: Buffer;
	type?: string;
	chunked?: boolean;
	/** `undefined` leaves a header out. */
	headers?: Record<string, string | undefined>;
}

function send(server: TestServer, s: Send): Promise<Answer> {
	const body = s.json !== undefined ? Buffer.from(JSON.stringify(s.json)) : s.raw;
	const headers = Object.fromEntries(
		Object.entries({
			'user-agent': 'direct-test',
			...(s.cookie ? { cookie: s.cookie } : {}),
			...(body ? { 'content-type': s.type ?? 'application/json' } : {}),
			...(body && !s.chunked ? { 'content-length': String(body.length) } : {}),
			...s.headers
		}).filter((entry): entry is [string, string] => entry[1] !== undefined)
	);
	return new Promise((done, fail) => {
		const req = request(
			`${server.url}${s.path}`,
			{ method: s.method, headers, agent: false },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk) => (text += chunk));
				res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: text }));
			}
		);
		req.on('error', fail);
		if (body && s.chunked) {
			// Two writes: Node sends a body without content-length in chunks.
			req.write(body.subarray(0, 1000));
			req.end(body.subarray(1000));
		} else req.end(body);
	});
}

const cookieOf = (answer: Answer) =>
	([] as string[]).concat(answer.headers['set-cookie'] ?? [])[0]?.split(';')[0];

/** What may differ between two servers: generated ids, times, tokens, and the date. */
function comparable(answer: Answer, ids: Set<string>) {
	let body: unknown = answer.body;
	try {
		body = JSON.parse(answer.body, (key, value) => {
			if ((key === 'id' || key.endsWith('Id')) && typeof value === 'string') ids.add(value);
			return value;
		});
	} catch {
		// Not JSON: compared as text.
	}
	const normalised = JSON.stringify(body, (_key, value) =>
		typeof value === 'number' && value > 1e12
			? 'TIME'
			: typeof value === 'string' && ids.has(value)
				? 'ID'
				: value
	);
	const headers = { ...answer.headers };
	delete headers.date;
	if (headers['set-cookie']) {
		// The two servers answer a second apart at most: Max-Age may differ by that.
		headers['set-cookie'] = ([] as string[])
			.concat(headers['set-cookie'])
			.map((line) =>
				line
					.replace(/=[^;]+;/, '=TOKEN;')
					.replace(/Max-Age=(\d+)/, (_, age) => `Max-Age=~${Math.round(Number(age) / 100)}`)
			);
	}
	if (typeof headers.location === 'string') {
		headers.location = headers.location.replace(/[\w-]{10,}/g, (id) => (ids.has(id) ? 'ID' : id));
	}
	return { status: answer.status, headers, body: normalised };
}

/** One server's run of the script: the answers in order, and its users' cookies. */
async function runScript(server: TestServer, origin: string) {
	const answers: Answer[] = [];
	const hold = async (s: Send) => {
		const answer = await send(server, { ...s, headers: { origin, ...s.headers } });
		answers.push(answer);
		return answer;
	};
	const register = async (name: string) => {
		const answer = await hold({
			method: 'POST',
			path: '/api/auth/register',
			json: { name, password: 'password123' }
		});
		return { cookie: cookieOf(answer)!, id: JSON.parse(answer.body).id as string };
	};
	const admin = await register('Admin');
	const crew = await register('Crew');
	const regular = await register('Regular');
	const extra = await register('Extra');
	const db = new Database(server.dbPath);
	try {
		const adminSends = (s: Omit<Send, 'cookie'>) => hold({ ...s, cookie: admin.cookie });
		await adminSends({ method: 'PATCH', path: `/api/users/${crew.id}`, json: { type: 'crew' } });
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, json: { name: 'Rena' } });
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, json: { nome: 'x' } });
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, json: { name: '' } });
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, raw: Buffer.from('{') });
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			raw: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])
		});
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			raw: Buffer.from('{"name":"Plain"}'),
			type: 'text/plain'
		});
		const big = Buffer.from(JSON.stringify({ name: 'x'.repeat(70_000) }));
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, raw: big });
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			raw: big,
			chunked: true
		});
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Chunked' },
			chunked: true
		});
		await adminSends({ method: 'PATCH', path: '/api/users/no-such-user', json: { name: 'x' } });
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}?x=1`,
			json: { name: 'Q' }
		});
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}/`, json: { name: 'S' } });
		await hold({ method: 'PATCH', path: `/api/users/${regular.id}`, json: { name: 'Anon' } });
		await hold({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Self' },
			cookie: regular.cookie
		});
		await hold({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Nobody' },
			cookie: 'tidewatch_session=unknown; __Host-tidewatch_session=unknown'
		});
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Elsewhere' },
			headers: { host: 'rebound.example' }
		});

		// The programme, marks and shifts.
		const start = Math.floor(Date.now() / 60_000) * 60_000 + 3_600_000;
		const created = await adminSends({
			method: 'POST',
			path: '/api/entries',
			json: { title: 'A talk', start, end: start + 3_600_000 }
		});
		const entry = JSON.parse(created.body).id as string;
		await adminSends({ method: 'POST', path: '/api/entries', json: { title: 'No times' } });
		await adminSends({ method: 'PATCH', path: `/api/entries/${entry}`, json: { title: 'Moved' } });
		await hold({
			method: 'PATCH',
			path: `/api/entries/${entry}`,
			json: { title: 'Crew edit' },
			cookie: crew.cookie
		});
		const interest = `/api/auth/account/interests/${entry}`;
		await hold({ method: 'PUT', path: interest, cookie: regular.cookie });
		await hold({ method: 'PUT', path: interest, cookie: regular.cookie, json: {} });
		await hold({
			method: 'PUT',
			path: interest,
			cookie: regular.cookie,
			raw: Buffer.from('a=b'),
			type: 'application/x-www-form-urlencoded'
		});
		await hold({ method: 'DELETE', path: interest, cookie: regular.cookie });
		await hold({ method: 'PUT', path: '/api/auth/account/interests/nope', cookie: regular.cookie });
		const shift = JSON.parse(
			(
				await adminSends({
					method: 'POST',
					path: '/api/shifts',
					json: { role: 'Door', start, end: start + 3_600_000, needed: 1 }
				})
			).body
		).id as string;
		// Changes from pages of other origins: refused whatever the body (docs/security.md).
		const samePortElsewhere = `http://127.0.0.1:${server.port + 1}`;
		const signup = { method: 'POST', path: `/api/shifts/${shift}/signup`, cookie: crew.cookie };
		await hold({ ...signup, headers: { origin: samePortElsewhere } });
		await hold({ ...signup, headers: { origin: `http://localhost:${server.port}` } });
		await hold({ ...signup, headers: { origin: 'null' } });
		await hold({ ...signup, headers: { origin: undefined, 'sec-fetch-site': 'same-site' } });
		await hold({ ...signup, headers: { origin: undefined, 'sec-fetch-site': 'cross-site' } });
		await hold({ ...signup, json: {}, headers: { origin: 'https://evil.example' } });
		await hold({
			...signup,
			raw: Buffer.from('x'),
			type: 'text/plain',
			headers: { origin: samePortElsewhere }
		});
		await hold({
			...signup,
			raw: Buffer.from('id=x'),
			type: 'application/x-www-form-urlencoded',
			headers: { origin: samePortElsewhere, accept: 'application/json' }
		});
		await hold({
			method: 'PUT',
			path: interest,
			cookie: regular.cookie,
			headers: { origin: undefined, 'sec-fetch-site': 'same-site' }
		});
		await adminSends({
			method: 'PATCH',
			path: `/api/entries/${entry}`,
			json: { title: 'Foreign' },
			headers: { origin: samePortElsewhere }
		});
		await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			raw: big,
			headers: { origin: samePortElsewhere }
		});
		await adminSends({
			method: 'DELETE',
			path: `/api/entries/${entry}`,
			headers: { origin: 'null' }
		});
		await hold({
			method: 'PATCH',
			path: `/api/entries/${entry}`,
			json: { title: 'Anonymous' },
			headers: { origin: samePortElsewhere }
		});
		// The app's own pages, and clients that are no browser, go through.
		await hold({ ...signup, headers: { 'sec-fetch-site': 'cross-site' } });
		await hold({
			...signup,
			method: 'DELETE',
			headers: { origin: undefined, 'sec-fetch-site': 'same-origin' }
		});
		await hold({ ...signup, headers: { origin: undefined, 'sec-fetch-site': 'none' } });
		await hold({ ...signup, method: 'DELETE', headers: { origin: undefined } });
		await hold({ method: 'POST', path: `/api/shifts/${shift}/signup`, cookie: crew.cookie });
		await adminSends({ method: 'POST', path: `/api/shifts/${shift}/signup` });
		await hold({ method: 'POST', path: `/api/shifts/${shift}/signup`, cookie: regular.cookie });
		await hold({ method: 'DELETE', path: `/api/shifts/${shift}/signup`, cookie: crew.cookie });
		await adminSends({ method: 'DELETE', path: `/api/entries/${entry}` });
		await adminSends({ method: 'DELETE', path: `/api/entries/${entry}` });
		await adminSends({ method: 'DELETE', path: `/api/users/${extra.id}` });

		// Sessions: a rotation through a change, the old cookie again (theft), a logged-out one.
		db.prepare('UPDATE session SET rotates_at = 0 WHERE user_id = ?').run(admin.id);
		const rotated = await adminSends({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Rotated' }
		});
		const successor = cookieOf(rotated)!;
		await hold({
			method: 'PATCH',
			path: `/api/users/${regular.id}`,
			json: { name: 'Successor' },
			cookie: successor
		});
		// The old cookie again after its successor was used: the whole chain ends, and the
		// successor's stream closes `taken` within the second (docs/security.md).
		const stream = await connectStream(server, { cookie: successor, origin });
		await new Promise((done) => setTimeout(done, graceMs + 100));
		await adminSends({ method: 'PATCH', path: `/api/users/${regular.id}`, json: { name: 'Old' } });
		const theft = Date.now();
		expect(await stream.waitForClose(1_000)).toEqual({ code: 4001, reason: 'taken' });
		expect(Date.now() - theft).toBeLessThan(1_000);
		await hold({ method: 'DELETE', path: '/api/auth/session', cookie: crew.cookie });
		await hold({ method: 'DELETE', path: `/api/shifts/${shift}/signup`, cookie: crew.cookie });
	} finally {
		db.close();
	}
	return answers;
}

// An old cookie stands for its successor this long after a rotation; past it, it means theft.
const graceMs = 200;
const env = { LOG_LEVEL: 'debug', SESSION_GRACE_SECONDS: String(graceMs / 1000) };

// The paths that answer directly, in the order of the script above.
const directAnswers = 48;

for (const [label, origin] of [
	['without ORIGIN', ''],
	['with an https ORIGIN', 'https://tidewatch.example']
] as const) {
	describe(`the direct path ${label}`, () => {
		let direct: TestServer;
		let kit: TestServer;
		beforeAll(async () => {
			[direct, kit] = await Promise.all([
				startServer({ ...env, ORIGIN: origin }),
				startServer({ ...env, ORIGIN: origin, DIRECT_CHANGES: 'off' })
			]);
		});
		afterAll(() => Promise.all([direct?.close(), kit?.close()]));

		it('answers every request of the script exactly as SvelteKit does', async () => {
			const ours = await runScript(direct, origin || direct.url);
			const theirs = await runScript(kit, origin || kit.url);
			expect(ours.length).toBe(theirs.length);
			const ids = new Set<string>();
			const steps = ours.map((answer, i) => ({ step: i, ...comparable(answer, ids) }));
			const idsKit = new Set<string>();
			const expected = theirs.map((answer, i) => ({ step: i, ...comparable(answer, idsKit) }));
			expect(steps).toEqual(expected);

			// The script met every kind of answer: success, refusals, rotation, theft.
			const statuses = new Set(theirs.map((a) => a.status));
			for (const status of [200, 201, 204, 400, 401, 403, 404, 409, 413]) {
				expect(statuses, `status ${status}`).toContain(status);
			}
			if (!origin) expect(statuses).toContain(421);
			expect(theirs.filter((a) => a.headers['set-cookie']).length).toBeGreaterThan(6);

			const directLines = (server: TestServer) =>
				server
					.output()
					.split('\n')
					.filter((line) => line.includes('"direct-change"')).length;
			// A log line may reach us after its answer did.
			await expect.poll(() => directLines(direct)).toBe(directAnswers);
			expect(directLines(kit)).toBe(0);
		});
	});
}
