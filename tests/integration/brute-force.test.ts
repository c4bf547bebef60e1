import { describe, expect, it } from 'vitest';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const server = serverForSuite({
	RATE_LIMIT_WINDOW_SECONDS: '3',
	RATE_LIMIT_LOGIN_FAILURES_PER_NAME: '3',
	RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: '6',
	RATE_LIMIT_REGISTRATIONS_PER_ADDRESS: '4'
});

describe('brute force', () => {
	it('failed logins per name are limited with 429 and Retry-After; a correct login works once the window passes', async () => {
		await new Client(server.url).register('Target');
		const attacker = new Client(server.url);
		for (let i = 0; i < 3; i++) {
			expect((await attacker.login('target', `guess-${i}-xx`)).status).toBe(401);
		}
		const blocked = await attacker.login('TARGET', 'guess-3-xx');
		expect(blocked.status).toBe(429);
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(3);
		expect((await blocked.json()).message).toMatch(/too many failed logins/);
		// Even the right password waits, or guessing would simply go on.
		expect((await new Client(server.url).login('Target', 'password123')).status).toBe(429);

		await sleep(3_100);
		const owner = new Client(server.url);
		expect((await owner.login('Target', 'password123')).status).toBe(200);
	});

	it('failed logins per client address are limited across names, for forms too', async () => {
		await sleep(3_100);
		const attacker = new Client(server.url);
		for (let i = 0; i < 6; i++) {
			expect((await attacker.login(`nobody-${i}`, 'password-guess')).status).toBe(401);
		}
		const form = await attacker.form('/login?/login', {
			name: 'someone-else',
			password: 'password-guess'
		});
		expect(form.status).toBe(429);
		expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await form.text()).toContain('too many failed logins');
	});

	it('registrations per client address are limited', async () => {
		await sleep(3_100);
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			statuses.push((await new Client(server.url).register(`newcomer-${i}`)).status);
		}
		expect(statuses).toEqual([201, 201, 201, 201, 429]);
		expect(server.query("SELECT name FROM user WHERE name = 'newcomer-4'")).toEqual([]);
	});
});
