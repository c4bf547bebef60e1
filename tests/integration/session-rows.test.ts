import { describe, expect, it } from 'vitest';
import { hashSessionToken } from '../../src/lib/server/auth/token';
import { maxReRotations } from '../../src/lib/server/auth/session-decision';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { sleep } from '../helpers/wait';

// Short rotation and grace, so that 20 grace windows pass in seconds.
const rotateMs = 500;
const graceMs = 200;
const server = serverForSuite({
	SESSION_ROTATE_SECONDS: String(rotateMs / 1000),
	SESSION_GRACE_SECONDS: String(graceMs / 1000)
});
const cookieName = 'tidewatch_session';

/** Presents exactly this key, as a client that never keeps a new cookie does. */
async function present(token: string) {
	const response = await fetch(`${server.url}/api/auth/session`, {
		headers: { cookie: `${cookieName}=${token}`, origin: server.url }
	});
	return (await response.json()) as { session: unknown; notice?: string };
}

describe('the rows of one login', () => {
	it('an old key presented again after every grace window, 20 times, leaves its login a bounded number of rows', async () => {
		const client = new Client(server.url);
		expect((await client.register('Replayer')).status).toBe(201);
		const original = client.cookies.get(cookieName)!;
		const [{ family }] = server.query<{ family: string }>(
			'SELECT family FROM session WHERE id = ?',
			hashSessionToken(original)
		);
		const rows = () =>
			server.query<{ n: number }>('SELECT COUNT(*) AS n FROM session WHERE family = ?', family)[0]
				.n;

		await sleep(rotateMs + 50);
		// Rotated: the new cookie is dropped, as every later one will be.
		expect((await present(original)).session).not.toBeNull();
		const answers = [];
		for (let i = 0; i < 20; i++) {
			await sleep(graceMs + 50);
			answers.push(await present(original));
			// The key, its successor and the tombstones of the successors it superseded.
			expect(rows()).toBeLessThanOrEqual(maxReRotations + 2);
		}
		// It re-rotated as often as it may; then, as a copy presented over and over, the login
		// ended, and whoever presents its key is told so.
		expect(answers.slice(0, maxReRotations).every((a) => a.session !== null)).toBe(true);
		expect(answers.slice(maxReRotations)).toEqual(
			Array(20 - maxReRotations).fill({ session: null, notice: 'session-taken' })
		);
		expect(
			server.query(
				"SELECT kind FROM security_record WHERE kind = 'session-taken' AND user_id = (SELECT id FROM \"user\" WHERE name = 'Replayer')"
			)
		).toHaveLength(1);
	});
});
