import { describe, expect, it } from 'vitest';
import { loginsBeyondCap } from '$lib/server/auth/login-cap';
import { allowLogin } from '$lib/server/auth/login-limit';
import { getConfig } from '$lib/server/config';
import { Refusal } from '$lib/server/refusal';

describe('the cap on live logins', () => {
	const login = (id: string, lastSeenAt: number, createdAt = 0) => ({ id, lastSeenAt, createdAt });

	it('keeps the most recently used logins and ends the rest, the new one counted', () => {
		const others = [login('old', 1), login('recent', 9), login('middle', 5)];
		expect(loginsBeyondCap(others, 3)).toEqual(['old']);
		expect(loginsBeyondCap(others, 2)).toEqual(['middle', 'old']);
		expect(loginsBeyondCap(others, 4)).toEqual([]);
		expect(loginsBeyondCap(others, 1)).toEqual(['recent', 'middle', 'old']);
	});

	it('between logins last seen at once, the older one ends', () => {
		expect(loginsBeyondCap([login('older', 5, 1), login('newer', 5, 2)], 2)).toEqual(['older']);
	});
});

describe('the limit on logins per user', () => {
	it('refuses with 429 and Retry-After once a user logged in too often within the window', async () => {
		const { RATE_LIMIT_LOGINS_PER_USER: limit, RATE_LIMIT_WINDOW_SECONDS: window } = getConfig();
		const t = 1_000_000;
		for (let i = 0; i < limit; i++) await allowLogin('busy', t + i);
		const refusal = await allowLogin('busy', t + limit).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(Refusal);
		expect((refusal as Refusal).status).toBe(429);
		expect((refusal as Refusal).headers['retry-after']).toBe(String(window));
		// Another user is not held back, and the window passing frees the first.
		await allowLogin('other', t + limit);
		await allowLogin('busy', t + window * 1000 + 1);
	});
});
