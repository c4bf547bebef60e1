/**
 * Hostile input (issue 7, point 1): thousands of generated bad requests against every API route,
 * every form action and the stream, from a visitor, a regular user, a crew member, an admin and
 * forged cookies. Whatever arrives, the server must answer below 500 and stay up; API errors
 * are JSON `{ message }` naming the problem; the database stays intact and no refused request
 * changes a row.
 *
 * Everything is generated from fixed tables and a seeded PRNG, so every run sends the same
 * requests. Problems are collected per group and reported together, each with the request that
 * caused it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, openStream } from '../helpers/stream';
import {
	actionNameCases,
	forgedCookieCases,
	forgedCookies,
	formCases,
	getWithBodyCases,
	idCases,
	jsonBodyCases,
	queryJunkCases,
	refusedByMeaningCases,
	senderCookie,
	unicodeCases,
	wrongMethodCases,
	type Person,
	type World
} from './cases';
import {
	createAgent,
	diffSnapshots,
	frame,
	inParallel,
	Random,
	rawExchange,
	send,
	snapshot,
	upgradeRequest,
	utf8,
	type HttpAnswer,
	type HttpCase,
	type RawResult,
	type Snapshot
} from './kit';

const SEED = 0x71de_3a7c;
const IN_FLIGHT = 16;
const BATCH = 250;
const MiB = 1024 * 1024;

let server: TestServer;
let world: World;
let baseline: Snapshot;
const agent = createAgent(IN_FLIGHT);
const startedAt = Date.now();
const sent: Record<string, number> = {};
/** How each group was answered: HTTP status, or status/close code for the stream. */
const answered: Record<string, Record<string, number>> = {};
const count = (group: string, answer: string) => {
	sent[group] = (sent[group] ?? 0) + 1;
	const tally = (answered[group] ??= {});
	tally[answer] = (tally[answer] ?? 0) + 1;
};

// ---------------------------------------------------------------------------------------------
// Setting up: an admin (the first user), a regular user with two logins, a crew member, a
// bystander, and two dead cookies: a deleted user's and a logged-out one.

async function person(
	client: Client,
	name: string,
	password: string,
	how: 'register' | 'login' = 'register'
): Promise<Person> {
	const response =
		how === 'register' ? await client.register(name, password) : await client.login(name, password);
	expect(response.status, `${how} ${name}: ${await response.clone().text()}`).toBe(
		how === 'register' ? 201 : 200
	);
	const user = (await response.json()) as { id: string };
	const sessions = (await (await client.fetch('/api/auth/sessions')).json()) as {
		id: string;
		current?: boolean;
	}[];
	const family = sessions.find((s) => s.current)!.id;
	return { name, password, id: user.id, family, token: client.cookies.get('tidewatch_session')! };
}

beforeAll(async () => {
	server = await startServer({
		RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS: '100000',
		RATE_LIMIT_LOGIN_FAILURES_PER_NAME: '100000',
		RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION: '100000',
		RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: '100000',
		RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '100000'
	});
	const client = () => new Client(server.url, 'tidewatch-hostile-setup');
	const adminClient = client();
	const admin = await person(adminClient, 'Hostile Admin', 'admin-Secret-8c1d9');
	// Its admin pages open only once the gathering is set up.
	await adminClient.setUp();
	const regular = await person(client(), 'Hostile Regular', 'regular-Secret-44af0');
	const regularOther = await person(client(), 'Hostile Regular', 'regular-Secret-44af0', 'login');
	const crew = await person(client(), 'Hostile Crew', 'crew-Secret-90b2e');
	expect((await adminClient.json(`/api/users/${crew.id}`, 'PATCH', { type: 'crew' })).status).toBe(
		200
	);
	const shift = await adminClient.json('/api/shifts', 'POST', {
		role: 'Hostile duty',
		start: Date.UTC(2030, 0, 1),
		end: Date.UTC(2030, 0, 1, 1),
		needed: 2,
		crewIds: [crew.id]
	});
	expect(shift.status).toBe(201);
	const entry = await adminClient.json('/api/entries', 'POST', {
		title: 'Hostile talk',
		start: Date.UTC(2030, 0, 1),
		end: Date.UTC(2030, 0, 1, 1),
		visibility: 'public'
	});
	expect(entry.status).toBe(201);
	const bystander = await person(client(), 'Hostile Bystander', 'bystander-Secret-1f2');
	const doomed = await person(client(), 'Hostile Doomed', 'doomed-Secret-77aa1');
	expect((await adminClient.json(`/api/users/${doomed.id}`, 'DELETE')).status).toBe(204);
	const leaverClient = client();
	const leaver = await person(leaverClient, 'Hostile Leaver', 'leaver-Secret-3c3c3');
	expect((await leaverClient.json('/api/auth/session', 'DELETE')).status).toBe(204);
	world = {
		server,
		admin,
		regular,
		crew,
		regularOther,
		bystander,
		deletedToken: doomed.token,
		loggedOutToken: leaver.token,
		shiftId: (await shift.json()).id,
		entryId: (await entry.json()).id
	};
	baseline = snapshot(server);
});

afterAll(async () => {
	agent.destroy();
	const total = Object.values(sent).reduce((a, b) => a + b, 0);
	console.log(
		`hostile input: ${total} requests in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n` +
			Object.entries(sent)
				.map(([group, n]) => {
					const tally = Object.entries(answered[group] ?? {})
						.sort(([a], [b]) => a.localeCompare(b))
						.map(([answer, k]) => `${answer}×${k}`)
						.join(' ');
					return `  ${String(n).padStart(5)}  ${group}: ${tally}`;
				})
				.join('\n')
	);
	await server?.close();
});

// ---------------------------------------------------------------------------------------------
// Judging one answer

const sessionCookieSet = (answer: HttpAnswer) =>
	([] as string[])
		.concat(answer.headers['set-cookie'] ?? [])
		.some((line) => /^(__Host-)?tidewatch_session=[^;]+/.test(line));

/**
 * Answers made before the app's code runs that are accepted on an API path although they are
 * not `{ message }` JSON, when the case lists their status in `framework`:
 * - 404 and 405: SvelteKit's router (no such route; a method the +server.ts does not export,
 *   answered `PUT method not allowed` as text with an Allow header);
 * - 403 `Cross-site … form submissions are forbidden`: SvelteKit's CSRF origin check, always
 *   on, so it is accepted wherever it answers;
 * - 400 and 431 with an empty body: Node's HTTP parser (a GET with a chunked body; headers over
 *   16 KiB), and adapter-node's plain `Bad Request` (a TRACE it cannot turn into a Request).
 */
function frameworkAnswer(c: HttpCase, a: HttpAnswer): boolean {
	const text = a.body.toString('utf8');
	if (a.status === 403 && /^Cross-site \w+ form submissions are forbidden$/.test(text)) return true;
	if (!(c.framework ?? []).includes(a.status!)) return false;
	if (a.status === 405) return /method not allowed/i.test(text) || /<html/i.test(text);
	if (a.status === 400 || a.status === 431) return text === '' || text === 'Bad Request';
	return true;
}

function judge(c: HttpCase, a: HttpAnswer): string[] {
	const problems: string[] = [];
	if (a.status === undefined) return [`no answer (${a.error})`];
	const status = a.status;
	if (status >= 500)
		problems.push(
			`answered ${status}: ${a.body.toString('utf8').slice(0, 120).replace(/\s+/g, ' ')}`
		);
	if (sessionCookieSet(a)) problems.push(`handed out a session cookie (answered ${status})`);
	if (status < 500 && c.expect === 'reject') {
		const refused = c.kind === 'api' ? status >= 400 : status >= 300;
		if (!refused) problems.push(`accepted: answered ${status}`);
	}
	if (
		c.check?.status !== undefined &&
		status < 500 &&
		status !== c.check.status &&
		!frameworkAnswer(c, a)
	) {
		problems.push(`answered ${status}, expected ${c.check.status}`);
	}
	if (
		c.kind === 'api' &&
		status >= 400 &&
		status < 500 &&
		c.method !== 'HEAD' &&
		!frameworkAnswer(c, a)
	) {
		let message: unknown;
		try {
			message = (JSON.parse(a.body.toString('utf8')) as { message?: unknown }).message;
		} catch {
			message = undefined;
		}
		const type = String(a.headers['content-type'] ?? '');
		if (typeof message !== 'string' || !message.trim() || !type.includes('application/json')) {
			problems.push(
				`error ${status} is not JSON { message } (content-type ${type || 'none'}): ${a.body.toString('utf8').slice(0, 80).replace(/\s+/g, ' ')}`
			);
		} else if (c.mentions && !c.mentions.test(message)) {
			problems.push(
				`message ${JSON.stringify(message.slice(0, 120))} does not name the problem (${c.mentions})`
			);
		}
	}
	if (c.check?.publicView && status === 200) {
		const body = JSON.parse(a.body.toString('utf8')) as unknown;
		if (c.check.publicView === 'no-session' && (body as { session?: unknown }).session !== null) {
			problems.push(`a forged cookie got a session: ${a.body.toString('utf8').slice(0, 120)}`);
		}
		if (c.check.publicView === 'no-users' && !(Array.isArray(body) && body.length === 0)) {
			problems.push(`a forged cookie saw users: ${a.body.toString('utf8').slice(0, 120)}`);
		}
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------
// Running groups

interface Finding {
	group: string;
	what: string;
	problem: string;
}

const describeCase = (c: HttpCase) =>
	`[${c.sender}] ${c.method} ${c.path.length > 70 ? c.path.slice(0, 70) + '…' : c.path} — ${c.label.length > 140 ? c.label.slice(0, 140) + '…' : c.label}`;

/** Sends the cases (batches in parallel, `alone` ones one by one) and returns what went wrong. */
async function runHttp(cases: HttpCase[]): Promise<Finding[]> {
	const findings: Finding[] = [];
	const together = cases.filter((c) => !c.alone);
	for (let start = 0; start < together.length; start += BATCH) {
		const batch = together.slice(start, start + BATCH);
		const before = snapshot(server);
		const answers = await inParallel(batch, IN_FLIGHT, (c) => send(server, c, agent));
		const changed = diffSnapshots(before, snapshot(server));
		batch.forEach((c, i) => {
			count(c.group, String(answers[i].status ?? 'none'));
			for (const problem of judge(c, answers[i]))
				findings.push({ group: c.group, what: describeCase(c), problem });
		});
		if (changed.length) {
			// A change cannot be undone to replay the batch one request at a time, so the diff and
			// the batch's 2xx answers point at the request that made it.
			const accepted = batch.filter((_, i) => (answers[i].status ?? 500) < 300).map(describeCase);
			findings.push({
				group: batch[0].group,
				what: `a batch of ${batch.length} (answered 2xx: ${accepted.slice(0, 5).join(' | ') || 'none'})`,
				problem: `rows changed: ${changed.join('; ')}`
			});
		}
	}
	for (const c of cases.filter((c) => c.alone)) {
		const before = snapshot(server);
		const answer = await send(server, c, false);
		const changed = diffSnapshots(before, snapshot(server));
		count(c.group, String(answer.status ?? 'none'));
		for (const problem of judge(c, answer))
			findings.push({ group: c.group, what: describeCase(c), problem });
		if (changed.length)
			findings.push({
				group: c.group,
				what: describeCase(c),
				problem: `rows changed: ${changed.join('; ')}`
			});
	}
	return findings;
}

/** One line per distinct problem, with how often it came and a few of the requests. */
function report(findings: Finding[]): string {
	const byProblem = new Map<string, Finding[]>();
	for (const f of findings) {
		const key = `${f.group}: ${f.problem.replace(/\b\d{13}\b/g, 'N')}`;
		byProblem.set(key, [...(byProblem.get(key) ?? []), f]);
	}
	return [...byProblem]
		.map(
			([key, list]) =>
				`${key}\n    ×${list.length}, e.g. ${list
					.slice(0, 3)
					.map((f) => f.what)
					.join('\n           ')}`
		)
		.join('\n');
}

async function expectNoFindings(findings: Finding[]) {
	expect(findings.length, `\n${report(findings)}\n`).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// The stream: refused upgrades, forged cookies, and garbage after a good upgrade

interface RawCase {
	group: string;
	label: string;
	sender: string;
	handshake: string;
	after?: Buffer[];
	endAfter?: boolean;
	/** Statuses the handshake may get; 101 only where the upgrade may succeed. */
	statuses: number[];
	/** After a 101: the server must close the socket, with one of these codes (undefined: any). */
	closeCodes?: (number | undefined)[];
	/** A refusal by the app itself (not by `ws` or Node), answered `{ message }`. */
	appRefusal?: boolean;
	/** After a 101 with a forged cookie: the stream must be the public one. */
	publicStream?: boolean;
	/** Wait for the server to close, even with nothing to send. */
	untilClose?: boolean;
}

function judgeRaw(c: RawCase, r: RawResult): string[] {
	const problems: string[] = [];
	if (r.status === undefined) {
		// Node's parser may drop a connection it cannot parse without a word; that is no answer
		// at all, which is fine only where no status was expected to be seen.
		if (!c.statuses.includes(0)) problems.push(`no answer (closed by server: ${r.closedByServer})`);
		return problems;
	}
	if (r.status >= 500)
		problems.push(
			`answered ${r.status}: ${r.received.toString('latin1').split('\r\n\r\n')[1]?.slice(0, 100)}`
		);
	else if (!c.statuses.includes(r.status))
		problems.push(`answered ${r.status}, expected ${c.statuses.join(' or ')}`);
	if (c.appRefusal && r.status >= 400 && r.status < 500) {
		const body = r.received.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
		try {
			const message = (JSON.parse(body) as { message?: unknown }).message;
			if (typeof message !== 'string' || !message) throw new Error();
		} catch {
			problems.push(`refusal ${r.status} is not JSON { message }: ${body.slice(0, 80)}`);
		}
	}
	if (r.status === 101 && c.closeCodes) {
		if (!r.closedByServer) problems.push('the server kept the socket open');
		else if (!c.closeCodes.includes(r.closeCode))
			problems.push(
				`closed with ${r.closeCode ?? 'no close frame'}, expected ${c.closeCodes.map((code) => code ?? 'none').join(' or ')}`
			);
	}
	if (r.status === 101 && c.publicStream) {
		try {
			const first = JSON.parse(r.firstText ?? '') as { type: string; session: unknown };
			if (first.type !== 'connected' || first.session !== null)
				problems.push(
					`a forged cookie opened a stream as ${JSON.stringify(first.session).slice(0, 80)}`
				);
		} catch {
			problems.push(`no connected message: ${r.firstText?.slice(0, 80)}`);
		}
	}
	return problems;
}

async function runRaw(cases: RawCase[]): Promise<Finding[]> {
	const findings: Finding[] = [];
	const before = snapshot(server);
	const results = await inParallel(cases, IN_FLIGHT, (c) =>
		rawExchange(server, c.handshake, c.after ?? [], {
			endAfter: c.endAfter,
			untilClose: c.untilClose
		})
	);
	cases.forEach((c, i) => {
		const r = results[i];
		count(c.group, `${r.status ?? 'none'}${r.closeCode ? '/' + r.closeCode : ''}`);
		for (const problem of judgeRaw(c, results[i]))
			findings.push({ group: c.group, what: `[${c.sender}] ${c.label}`, problem });
	});
	const changed = diffSnapshots(before, snapshot(server));
	if (changed.length)
		findings.push({
			group: cases[0].group,
			what: `${cases.length} stream requests`,
			problem: `rows changed: ${changed.join('; ')}`
		});
	return findings;
}

const streamSenders = ['visitor', 'regular', 'admin'] as const;

function upgradeRefusalCases(w: World): RawCase[] {
	const cases: RawCase[] = [];
	const cookieHeaders = (sender: string): Record<string, string> => {
		const cookie = senderCookie(w, sender);
		return cookie ? { cookie } : {};
	};
	const ok = '/api/events?lastEventId=0';
	// lastEventId that is not a plain non-negative integer: 400.
	const ids: (string | null)[] = [
		null,
		'',
		'-1',
		'1.5',
		'abc',
		'1e3',
		'0x10',
		'%2B1',
		'%201',
		'1%20',
		'%EF%BC%91',
		'%D9%A3',
		'9'.repeat(16),
		'9'.repeat(400),
		'%00',
		'0%00',
		'NaN',
		'Infinity',
		'-0',
		'0.0',
		'%5B%5D',
		'0,1',
		'%ZZ',
		'%',
		'0x',
		'1_000',
		'true',
		'%E2%80%AE1',
		'-1&lastEventId=0',
		'%ED%A0%80'
	];
	for (const id of ids) {
		for (const sender of ['visitor', 'admin']) {
			const target = id === null ? '/api/events' : `/api/events?lastEventId=${id}`;
			cases.push({
				group: 'stream: bad URLs',
				label: `lastEventId=${id ?? '(none)'}`,
				sender,
				handshake: upgradeRequest(server, target, cookieHeaders(sender)),
				statuses: [400],
				appRefusal: true
			});
		}
	}
	cases.push(
		{
			group: 'stream: bad URLs',
			label: 'lastEventId=0&lastEventId=x (the first counts)',
			sender: 'visitor',
			handshake: upgradeRequest(server, '/api/events?lastEventId=0&lastEventId=x'),
			statuses: [101]
		},
		{
			group: 'stream: bad URLs',
			label: 'a cursor far ahead of the log: resync, then close 4002',
			sender: 'visitor',
			handshake: upgradeRequest(server, '/api/events?lastEventId=999999999999999'),
			statuses: [101],
			untilClose: true,
			closeCodes: [4002]
		}
	);
	// Wrong paths: 404 (or 400 where the target cannot be read).
	for (const path of [
		'/api/events/',
		'/api/events/x',
		'/api/Events',
		'/API/EVENTS',
		'/api/event',
		'/api/eventsx',
		'/api/events.json',
		'/api/events%2F',
		'/api/events%00',
		'/api/%65vents',
		'/',
		'/api',
		'/api/auth/session',
		'/login',
		'*',
		'/api/events/..',
		'//api/events',
		'/api/events;x',
		'/%ZZ'
	]) {
		for (const sender of ['visitor', 'admin']) {
			const target = path.includes('?') || path === '*' ? path : `${path}?lastEventId=0`;
			cases.push({
				group: 'stream: bad URLs',
				label: `path ${path}`,
				sender,
				handshake: upgradeRequest(server, target, cookieHeaders(sender)),
				statuses: [404, 400],
				appRefusal: true
			});
		}
	}
	// Cross-site WebSocket hijacking: a foreign or missing Origin is refused, cookie or not.
	for (const origin of [
		null,
		'',
		'null',
		'https://evil.example',
		`http://127.0.0.1:${server.port + 1}`,
		`http://localhost:${server.port}`,
		`https://127.0.0.1:${server.port}`,
		`${server.url}.evil.example`,
		`${server.url}/`,
		`HTTP://127.0.0.1:${server.port}`,
		`${server.url}, https://evil.example`,
		'file://',
		'http://127.0.0.1'
	]) {
		for (const sender of streamSenders) {
			cases.push({
				group: 'stream: foreign origins',
				label: `origin ${origin === null ? '(none)' : JSON.stringify(origin)}`,
				sender,
				handshake: upgradeRequest(server, ok, { origin, ...cookieHeaders(sender) }),
				statuses: [403],
				appRefusal: true
			});
		}
	}
	// A damaged handshake: refused by `ws` (text answers) or, without `Connection: Upgrade`,
	// a plain GET that SvelteKit answers with its 404 page.
	const damaged: [string, Record<string, string | null>, number[], string?][] = [
		['no Sec-WebSocket-Key', { 'sec-websocket-key': null }, [400]],
		['a short Sec-WebSocket-Key', { 'sec-websocket-key': 'c2hvcnQ=' }, [400]],
		[
			'a Sec-WebSocket-Key that is not base64',
			{ 'sec-websocket-key': '!!!!!!!!!!!!!!!!!!!!!!==' },
			[400]
		],
		['no Sec-WebSocket-Version', { 'sec-websocket-version': null }, [400]],
		['Sec-WebSocket-Version 99', { 'sec-websocket-version': '99' }, [400, 426]],
		['Upgrade: h2c', { upgrade: 'h2c' }, [400]],
		['Upgrade: websocket, h2c', { upgrade: 'websocket, h2c' }, [400]],
		['a bad Sec-WebSocket-Protocol', { 'sec-websocket-protocol': 'a,,b' }, [400]],
		[
			'a bad Sec-WebSocket-Extensions',
			{ 'sec-websocket-extensions': 'permessage-deflate; =;;' },
			[400, 101]
		],
		['no Connection: Upgrade', { connection: 'keep-alive' }, [404]],
		['no Upgrade header', { upgrade: null }, [404]],
		['POST with Upgrade', {}, [400, 405], 'POST'],
		['HTTP/1.0 with Upgrade', {}, [400, 101, 404], 'HTTP/1.0']
	];
	for (const [label, headers, statuses, how] of damaged) {
		for (const sender of ['visitor', 'admin']) {
			let handshake = upgradeRequest(server, ok, { ...headers, ...cookieHeaders(sender) });
			if (how === 'POST') handshake = handshake.replace(/^GET/, 'POST');
			if (how === 'HTTP/1.0') handshake = handshake.replace('HTTP/1.1', 'HTTP/1.0');
			cases.push({ group: 'stream: damaged handshakes', label, sender, handshake, statuses });
		}
	}
	// Forged cookies on a good upgrade: the stream opens for the public, or is refused; never
	// a 5xx, never someone's session.
	for (const { label, cookie } of forgedCookies(w, new Random(SEED ^ 0x5eed))) {
		if (label.includes('before a real one')) continue; // the real one would be a fine login
		cases.push({
			group: 'stream: forged cookies',
			label: `cookie: ${label}`,
			sender: 'forged',
			handshake: upgradeRequest(server, ok, { cookie }),
			statuses: [101, 431, 400],
			publicStream: true
		});
	}
	return cases;
}

/** Frames a client must never send: each closes the stream, which the server then drops. */
function junkFrameCases(w: World, random: Random): RawCase[] {
	const protocol = [1002, 1007, 1008, undefined];
	const policy = [1008];
	const big = [1008, undefined]; // the server may reset while a 1 MiB frame is still arriving
	const fragments = [
		frame(1, utf8('a'), { fin: false }),
		...Array.from({ length: 1998 }, () => frame(0, utf8('a'), { fin: false })),
		frame(0, utf8('a'))
	];
	const frames: [string, Buffer[], (number | undefined)[], boolean?][] = [
		['a text message', [frame(1, utf8('hello'))], policy],
		['a JSON text message', [frame(1, utf8('{"type":"event","id":1}'))], policy],
		['an empty text message', [frame(1, Buffer.alloc(0))], policy],
		['a text message of NULs', [frame(1, Buffer.alloc(100))], policy],
		['a text frame of 1 KiB + 1', [frame(1, Buffer.alloc(1025, 97))], policy],
		['a text frame of 64 KiB', [frame(1, Buffer.alloc(65536, 97))], policy],
		['a text frame of 1 MiB', [frame(1, Buffer.alloc(MiB, 97))], big],
		['an empty binary frame', [frame(2, Buffer.alloc(0))], policy],
		['a binary frame of 10 bytes', [frame(2, random.bytes(10))], policy],
		['a binary frame of 4 KiB', [frame(2, random.bytes(4096))], policy],
		['a binary frame of 1 MiB', [frame(2, random.bytes(MiB))], big],
		['2,000 one-byte fragments', [Buffer.concat(fragments)], policy],
		[
			'a length of 2^63',
			[Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])],
			[1002, 1008, undefined]
		],
		[
			'a length of 2^53',
			[Buffer.from([0x82, 0xff, 0, 0x20, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])],
			[1008, undefined]
		],
		[
			'a length of 4 GiB, then nothing',
			[Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])],
			[1008, undefined]
		],
		['an unmasked frame', [frame(1, utf8('hi'), { masked: false })], protocol],
		['RSV1 set', [frame(1, utf8('hi'), { rsv: 4 })], protocol],
		['reserved opcode 3', [frame(3, utf8('hi'))], protocol],
		['reserved control opcode 0xB', [frame(0xb, utf8('hi'))], protocol],
		['a ping of 126 bytes', [frame(9, Buffer.alloc(126))], protocol],
		['a fragmented ping', [frame(9, utf8('hi'), { fin: false })], protocol],
		['a continuation with no start', [frame(0, utf8('hi'))], protocol],
		['text that is not UTF-8', [frame(1, Buffer.from([0xff, 0xfe, 0xc0]))], protocol],
		['a close with code 999', [frame(8, Buffer.from([0x03, 0xe7]))], protocol],
		['a close with code 1005', [frame(8, Buffer.from([0x03, 0xed]))], protocol],
		['a close with a 1-byte body', [frame(8, Buffer.from([0x03]))], protocol],
		[
			'a close with a reason not UTF-8',
			[frame(8, Buffer.from([0x03, 0xe8, 0xff, 0xfe]))],
			protocol
		],
		['an HTTP request', [utf8('GET /api/last-event-id HTTP/1.1\r\nHost: x\r\n\r\n')], protocol],
		['a ping, then garbage', [frame(9, utf8('p')), random.bytes(32)], protocol],
		['garbage #1', [random.bytes(64)], protocol],
		['garbage #2', [random.bytes(512)], protocol],
		['garbage #3', [random.bytes(3)], protocol, true],
		['half a frame header, then FIN', [Buffer.from([0x81])], protocol, true]
	];
	const cases: RawCase[] = [];
	for (const [label, after, closeCodes, endAfter] of frames) {
		for (const sender of streamSenders) {
			const cookie = senderCookie(w, sender);
			cases.push({
				group: 'stream: junk after the upgrade',
				label,
				sender,
				handshake: upgradeRequest(server, '/api/events?lastEventId=0', cookie ? { cookie } : {}),
				after,
				endAfter,
				statuses: [101],
				closeCodes
			});
		}
	}
	return cases;
}

/** Bytes that are not HTTP at all, straight onto the port. */
function garbageHttpCases(random: Random): RawCase[] {
	const host = `Host: 127.0.0.1:${server.port}\r\nOrigin: ${server.url}\r\n`;
	const list: [string, string][] = [
		['not HTTP', 'GARBAGE\r\n\r\n'],
		['random bytes', random.bytes(200).toString('latin1') + '\r\n\r\n'],
		['HTTP/9.9', `GET / HTTP/9.9\r\n${host}\r\n`],
		[
			'a header line without colon',
			`GET /api/last-event-id HTTP/1.1\r\n${host}bad header line\r\n\r\n`
		],
		[
			'content-length and chunked',
			`POST /api/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`
		],
		[
			'negative content-length',
			`POST /api/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n`
		],
		[
			'two content-lengths',
			`POST /api/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`
		],
		[
			'bad chunk size',
			`POST /api/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`
		],
		['a NUL in the target', `GET /api/\u0000users HTTP/1.1\r\n${host}\r\n`],
		['a 100 KiB target', `GET /api/users/${'x'.repeat(100 * 1024)} HTTP/1.1\r\n${host}\r\n`],
		[
			'2,000 headers',
			`GET /api/last-event-id HTTP/1.1\r\n${host}${'X-Junk: y\r\n'.repeat(2000)}\r\n`
		],
		['no Host', 'GET /api/last-event-id HTTP/1.1\r\n\r\n'],
		[
			'an absolute target elsewhere',
			`GET http://evil.example/api/users HTTP/1.1\r\nHost: evil.example\r\n\r\n`
		]
	];
	const cases: RawCase[] = list.map(([label, request]) => ({
		group: 'HTTP that is not HTTP',
		label,
		sender: 'visitor',
		handshake: request,
		statuses: [0, 200, 400, 404, 413, 414, 431]
	}));
	// A body that stops short, then the client hangs up (the app sees an aborted request).
	for (const [label, request] of [
		[
			'a JSON body cut short, then FIN',
			`POST /api/auth/login HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`
		],
		[
			'a chunked JSON body cut short, then FIN',
			`POST /api/auth/register HTTP/1.1\r\n${host}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam`
		],
		[
			'a form cut short, then FIN',
			`POST /login?/login HTTP/1.1\r\n${host}Accept: text/html\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=a`
		]
	] as const) {
		cases.push({
			group: 'HTTP that is not HTTP',
			label,
			sender: 'visitor',
			handshake: request,
			endAfter: true,
			after: [],
			statuses: [0, 400]
		});
	}
	return cases;
}

// ---------------------------------------------------------------------------------------------
// The tests

describe('hostile input', () => {
	const random = new Random(SEED);

	it('JSON API: malformed JSON, wrong types, missing and extra fields, wrong content types, oversized bodies', async () => {
		const cases = jsonBodyCases(world, random);
		await expectNoFindings(await runHttp(cases));
	});

	it("JSON API: well-formed requests refused by meaning (taken names, wrong passwords, others' logins, the last admin)", async () => {
		await expectNoFindings(await runHttp(refusedByMeaningCases(world)));
	});

	it('every route with every method it does not take', async () => {
		await expectNoFindings(await runHttp(wrongMethodCases(world)));
	});

	it('bad ids in paths, query-string junk, bodies on GET', async () => {
		await expectNoFindings(
			await runHttp([
				...idCases(world, random),
				...queryJunkCases(world, random),
				...getWithBodyCases(world)
			])
		);
	});

	it('form actions: bad fields, bad encodings, wrong content types, oversized, cross-site', async () => {
		await expectNoFindings(await runHttp(formCases(world, random)));
	});

	it('form actions: names that are no action of the page', async () => {
		await expectNoFindings(await runHttp(actionNameCases(world)));
	});

	it('forged, broken and stale cookies change nothing and see nothing', async () => {
		await expectNoFindings(await runHttp(forgedCookieCases(world, random)));
	});

	it('the stream: bad URLs, foreign origins, damaged handshakes, forged cookies', async () => {
		const findings = await runRaw(upgradeRefusalCases(world));
		// A plain GET of the stream's path is no WebSocket: SvelteKit's 404 page answers it.
		findings.push(
			...(await runHttp(
				streamSenders.map((sender) => ({
					group: 'stream: bad URLs',
					label: 'a plain GET, no upgrade',
					sender,
					method: 'GET',
					path: '/api/events?lastEventId=0',
					headers: {
						origin: server.url,
						...(senderCookie(world, sender) ? { cookie: senderCookie(world, sender)! } : {})
					},
					kind: 'api' as const,
					expect: 'reject' as const,
					framework: [404]
				}))
			))
		);
		await expectNoFindings(findings);
	});

	it('the stream: junk frames and garbage after a good upgrade close the socket, and the server goes on', async () => {
		const findings = await runRaw(junkFrameCases(world, random));
		// The same through a real client: oversized and binary frames close 1008.
		for (const sender of ['visitor', 'admin'] as const) {
			for (const [label, data, binary] of [
				['text of 2 KiB', Buffer.alloc(2048, 97), false],
				['binary of 2 KiB', random.bytes(2048), true],
				['a short text', utf8('hi'), false],
				['one binary byte', Buffer.from([0]), true]
			] as const) {
				const stream = await connectStream(server, { cookie: senderCookie(world, sender) });
				stream.ws.send(data, { binary });
				const closed = await Promise.race([
					stream.closed,
					new Promise<null>((r) => setTimeout(() => r(null), 5000))
				]);
				count('stream: junk after the upgrade', `ws/${closed?.code ?? 'open'}`);
				if (closed?.code !== 1008)
					findings.push({
						group: 'stream: junk after the upgrade',
						what: `[${sender}] ws client sends ${label}`,
						problem: `closed with ${JSON.stringify(closed)}, expected 1008`
					});
				stream.close();
			}
		}
		// Still serving streams.
		const after = await connectStream(server, { cookie: senderCookie(world, 'admin') });
		expect(after.messages[0]).toMatchObject({
			type: 'connected',
			session: { account: { id: world.admin.id } }
		});
		after.close();
		await expectNoFindings(findings);
	});

	it('bytes that are not HTTP', async () => {
		await expectNoFindings(await runRaw(garbageHttpCases(random)));
	});

	it('inputs that are not text (lone surrogates, invalid UTF-8) are refused, one at a time', async () => {
		await expectNoFindings(await runHttp(unicodeCases(world)));
	});

	it('afterwards: the process runs, answers, its database is intact, and no row changed', async () => {
		const total = Object.values(sent).reduce((a, b) => a + b, 0);
		expect(total).toBeGreaterThanOrEqual(2000);
		expect(server.process.exitCode).toBeNull();
		expect(server.process.signalCode).toBeNull();
		const head = await fetch(`${server.url}/api/last-event-id`);
		expect(head.status).toBe(200);
		expect(await head.json()).toEqual({ id: expect.any(Number) });
		expect(server.query<{ integrity_check: string }>('PRAGMA integrity_check')).toEqual([
			{ integrity_check: 'ok' }
		]);
		// The logins the suite used are all still there, untouched.
		for (const person of [
			world.admin,
			world.regular,
			world.crew,
			world.regularOther,
			world.bystander
		]) {
			const response = await fetch(`${server.url}/api/auth/account`, {
				headers: { cookie: `tidewatch_session=${person.token}` }
			});
			expect(response.status, person.name).toBe(200);
		}
		const stream = openStream(server, { cookie: `tidewatch_session=${world.regular.token}` });
		await stream.opened;
		await stream.waitForMessages(1);
		stream.close();
		expect(diffSnapshots(baseline, snapshot(server))).toEqual([]);
	});

	it('afterwards: no request ended in a server error, not even one the client never saw', () => {
		// The server logs every 5xx it makes (`[500] POST /…`), also for a client that hung up.
		const lines = server
			.output()
			.split('\n')
			// eslint-disable-next-line no-control-regex -- strips ANSI colour codes
			.map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim());
		const errors = lines.flatMap((line, i) =>
			/^\[5\d\d\]/.test(line)
				? [`${line}: ${lines[i + 1]}`]
				: /^stream upgrade failed/.test(line)
					? [line]
					: []
		);
		const distinct = [...new Set(errors)].map(
			(line) => `${line} ×${errors.filter((l) => l === line).length}`
		);
		expect(distinct, distinct.join('\n')).toEqual([]);
	});
});
