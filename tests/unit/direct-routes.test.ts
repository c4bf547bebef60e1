import { describe, expect, it } from 'vitest';
import { entryPatch, interestMark, userPatch } from '$lib/server/api-changes/changes';
import { matchDirectRoute } from '$lib/server/api-changes/direct-routes';

describe('the direct path’s routes', () => {
	it('match the busiest changes with their params named as in the SvelteKit routes', () => {
		expect(matchDirectRoute('PATCH', '/api/users/u_1-A')).toEqual({
			change: userPatch,
			params: { id: 'u_1-A' }
		});
		expect(matchDirectRoute('PATCH', '/api/entries/e1')?.change).toBe(entryPatch);
		expect(matchDirectRoute('PUT', '/api/auth/account/interests/e1')).toEqual({
			change: interestMark,
			params: { entryId: 'e1' }
		});
	});

	it('leave to SvelteKit whatever it would decode, normalise or read differently', () => {
		for (const [method, url] of [
			['GET', '/api/users/u1'],
			['PATCH', '/api/users/u1/'],
			['PATCH', '/api/users/u1?/default'],
			['PATCH', '/api/users/%75%31'],
			['PATCH', '/api/users/..'],
			['PATCH', '/api/users/u1/../u2'],
			['PATCH', `/api/users/${'a'.repeat(65)}`],
			['PATCH', 'http://localhost/api/users/u1'],
			['POST', '/api/entries/'],
			['PUT', '/api/users/u1'],
			[undefined, '/api/users/u1']
		] as const) {
			expect(matchDirectRoute(method, url), `${method} ${url}`).toBeUndefined();
		}
	});
});
