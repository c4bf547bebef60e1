import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { sleep } from '../helpers/wait';

// The server takes the client address from X-Forwarded-For, as behind a reverse proxy
// (adapter-node's ADDRESS_HEADER), so each client below can speak from an address of its own.
const server = serverForSuite({
	ADDRESS_HEADER: 'x-forwarded-for',
	RATE_LIMIT_WINDOW_SECONDS: '3',
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME_AND_ADDRESS: '3',
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME: '6',
	RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: '8',
	RATE_LIMIT_CURRENT_PASSWORD_FAILURES_PER_SESSION: '3',
	RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '4'
});

/** A browser at a client address of its own. */
class ClientAt extends Client {
	constructor(
		url: string,
		readonly address: string
	) {
		super(url);
	}

	override fetch(path: string, init: RequestInit & { json?: unknown } = {}) {
		const headers = new Headers(init.headers);
		headers.set('x-forwarded-for', this.address);
		return super.fetch(path, { ...init, headers });
	}
}

let addresses = 0;
const at = () => {
	addresses++;
	return new ClientAt(server.url, `10.0.${addresses >> 8}.${addresses & 255}`);
};

/** Registers from an address of its own (registrations are limited per address too). */
async function registered(name: string): Promise<ClientAt> {
	const client = at();
	expect((await client.register(name)).status).toBe(201);
	return client;
}

async function family(client: Client): Promise<string> {
	const sessions = (await (await client.fetch('/api/auth/sessions')).json()) as {
		id: string;
		current: boolean;
	}[];
	return sessions.find((session) => session.current)!.id;
}

const statuses = (responses: Response[]) =>
	responses.map((response) => response.status).sort((a, b) => a - b);

describe('login limits', () => {
	it('failed logins for a name from one address are limited with 429 and Retry-After; a correct login there works once the window passes', async () => {
		await registered('Target');
		const attacker = at();
		for (let i = 0; i < 3; i++) {
			expect((await attacker.login('target', `guess-${i}-xx`)).status).toBe(401);
		}
		const blocked = await attacker.login('TARGET', 'guess-3-xx');
		expect(blocked.status).toBe(429);
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(3);
		expect((await blocked.json()).message).toMatch(/too many failed logins/);
		// Even the right password waits from there, or guessing would simply go on.
		const sameAddress = new ClientAt(server.url, attacker.address);
		expect((await sameAddress.login('Target', 'password123')).status).toBe(429);

		await sleep(3_100);
		expect((await sameAddress.login('Target', 'password123')).status).toBe(200);
	});

	it("a stranger's failures do not lock the owner out: after 10 wrong guesses for the admin's name from one address, the right password from another works", async () => {
		// The first user of this server is its admin.
		expect(server.query('SELECT type FROM "user" WHERE name = \'Target\'')).toEqual([
			{ type: 'admin' }
		]);
		const stranger = at();
		const answers = [];
		for (let i = 0; i < 10; i++) answers.push(await stranger.login('Target', `guess-${i}-xx`));
		expect(statuses(answers)).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
		expect((await at().login('Target', 'password123')).status).toBe(200);
	});

	it('30 concurrent wrong logins from one address get at most the limit checked (401), the rest 429; the right password from another address still works', async () => {
		await registered('Burst');
		const attacker = at();
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) => attacker.login('Burst', `guess-${i}-xx`))
		);
		expect(statuses(answers)).toEqual([...Array(3).fill(401), ...Array(27).fill(429)]);
		expect((await at().login('Burst', 'password123')).status).toBe(200);
	});

	it('failed logins for a name across all addresses are capped, even in parallel, but not where the name has logged in before', async () => {
		const owner = await registered('Spread');
		const home = owner.address;
		expect((await new ClientAt(server.url, home).login('Spread', 'password123')).status).toBe(200);
		// 30 addresses at once, one guess each: no more than the name's cap get checked.
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) => at().login('Spread', `guess-${i}-xx`))
		);
		expect(statuses(answers)).toEqual([...Array(6).fill(401), ...Array(24).fill(429)]);
		// A new address waits, even with the right password; the owner's own address does not.
		expect((await at().login('Spread', 'password123')).status).toBe(429);
		expect((await new ClientAt(server.url, home).login('Spread', 'password123')).status).toBe(200);
	});

	it('a client trying many names from one address is stopped at the limit of names, for forms too', async () => {
		const attacker = at();
		for (let i = 0; i < 8; i++) {
			expect((await attacker.login(`nobody-${i}`, 'password-guess')).status).toBe(401);
		}
		const form = await attacker.form('/login?/login', {
			name: 'someone-else',
			password: 'password-guess'
		});
		expect(form.status).toBe(429);
		expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await form.text()).toContain('too many failed logins');
		// Names it already tried are held by their own counts, not by this one.
		expect((await attacker.login('nobody-0', 'password-guess')).status).toBe(401);
	});

	it('one person failing again and again for their own name does not stop others logging in from the same address', async () => {
		const hall = at().address;
		const clumsy = new ClientAt(server.url, hall);
		expect((await clumsy.register('Clumsy')).status).toBe(201);
		const answers = [];
		for (let i = 0; i < 12; i++) answers.push(await clumsy.login('Clumsy', `typo-${i}-xx`));
		expect(statuses(answers)).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
		// Everyone else in the hall: their own names, right or mistyped once, then right.
		for (const name of ['Neighbour', 'Other']) {
			expect((await new ClientAt(server.url, hall).register(name)).status).toBe(201);
		}
		const neighbour = new ClientAt(server.url, hall);
		expect((await neighbour.login('Neighbour', 'password-typo')).status).toBe(401);
		expect((await neighbour.login('Neighbour', 'password123')).status).toBe(200);
		expect((await new ClientAt(server.url, hall).login('Other', 'password123')).status).toBe(200);
	});

	it('a name that logged in at an address before still logs in there after a sprayer used up its names', async () => {
		const regular = await registered('Regular');
		expect((await new ClientAt(server.url, regular.address).login('Regular')).status).toBe(200);
		const sprayer = new ClientAt(server.url, regular.address);
		for (let i = 0; i < 8; i++) await sprayer.login(`sprayed-${i}`, 'password-guess');
		expect((await sprayer.login('sprayed-new', 'password-guess')).status).toBe(429);
		expect((await new ClientAt(server.url, regular.address).login('Regular')).status).toBe(200);
	});

	it('registrations per client address are limited', async () => {
		const address = at().address;
		const answers: number[] = [];
		for (let i = 0; i < 5; i++) {
			answers.push((await new ClientAt(server.url, address).register(`newcomer-${i}`)).status);
		}
		expect(answers).toEqual([201, 201, 201, 201, 429]);
		expect(server.query('SELECT name FROM "user" WHERE name = \'newcomer-4\'')).toEqual([]);
	});
});

describe('current-password limits', () => {
	it('wrong current passwords count against one limit per login across the API and the forms, then 429 with Retry-After, the right one too', async () => {
		const holder = await registered('Holder');
		const id = await family(holder);
		const wrong = { currentPassword: 'not-the-password' };
		expect(
			(await holder.json('/api/auth/account', 'PATCH', { ...wrong, password: 'new-password-1' }))
				.status
		).toBe(403);
		expect((await holder.json('/api/auth/sessions', 'DELETE', wrong)).status).toBe(403);
		expect((await holder.json(`/api/auth/sessions/${id}`, 'DELETE', wrong)).status).toBe(403);
		for (const response of [
			await holder.json('/api/auth/account', 'DELETE', wrong),
			await holder.json('/api/auth/sessions', 'DELETE', { currentPassword: 'password123' }),
			await holder.form('/account?/delete', { currentPassword: 'password123', confirm: 'yes' }),
			await holder.form('/account?/endSessions', { id: 'others', currentPassword: 'password123' }),
			await holder.form('/account?/password', {
				currentPassword: 'password123',
				password: 'new-password-1'
			})
		]) {
			expect(response.status).toBe(429);
			expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
			expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(3);
		}
		const refused = await holder.json('/api/auth/account', 'DELETE', wrong);
		expect((await refused.json()).message).toMatch(/too many wrong current passwords/);
		expect(server.query('SELECT name FROM "user" WHERE name = \'Holder\'')).toHaveLength(1);

		await sleep(3_100);
		expect(
			(await holder.json('/api/auth/sessions', 'DELETE', { currentPassword: 'password123' })).status
		).toBe(204);
	});

	it('30 concurrent wrong current passwords get at most the limit checked (403), the rest 429', async () => {
		const holder = await registered('Parallel');
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				holder.json('/api/auth/sessions', 'DELETE', { currentPassword: `guess-${i}-xx` })
			)
		);
		expect(statuses(answers)).toEqual([...Array(3).fill(403), ...Array(27).fill(429)]);
	});

	it("whoever holds a stolen session cannot lock the owner's other logins out of ending it", async () => {
		const owner = await registered('Owner');
		const thief = new ClientAt(server.url, at().address);
		for (const [name, value] of owner.cookies) thief.cookies.set(name, value);
		const stolen = await family(thief);
		const ownerElsewhere = at();
		expect((await ownerElsewhere.login('Owner', 'password123')).status).toBe(200);
		for (let i = 0; i < 4; i++) {
			await thief.json('/api/auth/sessions', 'DELETE', { currentPassword: `guess-${i}-xx` });
		}
		expect(
			(await thief.json('/api/auth/sessions', 'DELETE', { currentPassword: 'guess-x-xx' })).status
		).toBe(429);
		expect(
			(
				await ownerElsewhere.json(`/api/auth/sessions/${stolen}`, 'DELETE', {
					currentPassword: 'password123'
				})
			).status
		).toBe(204);
		expect((await thief.fetch('/api/auth/account')).status).toBe(401);
	});

	it('ending a made-up session id: a wrong password answers 403 as for a real id, the right one 404', async () => {
		const holder = await registered('Prober');
		const real = await family(holder);
		const wrong = { currentPassword: 'not-the-password' };
		const madeUp = await holder.json('/api/auth/sessions/no-such-session', 'DELETE', wrong);
		const realOne = await holder.json(`/api/auth/sessions/${real}`, 'DELETE', wrong);
		expect([madeUp.status, realOne.status]).toEqual([403, 403]);
		expect(await madeUp.json()).toEqual(await realOne.json());
		const right = { currentPassword: 'password123' };
		expect((await holder.json('/api/auth/sessions/no-such-session', 'DELETE', right)).status).toBe(
			404
		);
		// The form action answers alike.
		const madeUpForm = await holder.form('/account?/endSessions', {
			id: 'no-such-session',
			...wrong
		});
		expect(madeUpForm.status).toBe(403);
		expect(await madeUpForm.text()).toContain('the current password is wrong');
		const rightForm = await holder.form('/account?/endSessions', {
			id: 'no-such-session',
			...right
		});
		expect(rightForm.status).toBe(404);
	});
});

describe('login limits at a venue, at the default settings', () => {
	// Thousands of phones reach the app through the venue's one address.
	const venue = serverForSuite({
		ADDRESS_HEADER: 'x-forwarded-for',
		RATE_LIMIT_LOGIN_FAILED_NAMES_PER_ADDRESS: '',
		RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: ''
	});
	const hall = (n: number) => {
		const client = new ClientAt(venue.url, '203.0.113.1');
		return Object.assign(client, { name: `visitor-${n}` });
	};

	it(
		'30 people in one hall, each mistyping their password twice, all log in after',
		{ timeout: 120_000 },
		async () => {
			const people = Array.from({ length: 30 }, (_, i) => hall(i));
			// They registered at home, each from an address of their own.
			const registered = await Promise.all(
				people.map((person, i) =>
					new ClientAt(venue.url, `198.18.0.${i + 1}`).register(person.name)
				)
			);
			expect(statuses(registered)).toEqual(Array(30).fill(201));
			// 60 failures from one address, more than one address's whole count before.
			for (const typo of ['typo-one-xx', 'typo-two-xx']) {
				const failed = await Promise.all(people.map((person) => person.login(person.name, typo)));
				expect(statuses(failed)).toEqual(Array(30).fill(401));
			}
			const logins = await Promise.all(people.map((person) => person.login(person.name)));
			expect(statuses(logins)).toEqual(Array(30).fill(200));
		}
	);
});
