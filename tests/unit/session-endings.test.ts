import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endOwnSession } from '$lib/server/auth/own-sessions';
import { checkSessionToken, type SessionCheck } from '$lib/server/auth/session-check';
import { onSessionEnded, readRecords, resetStorage, valueNow } from '../helpers/storage';
import { change, type SessionEnd } from '$lib/server/storage';
import { startSession } from '$lib/server/auth/session-start';
import { getConfig } from '$lib/server/config';
import { updateAccount } from '$lib/server/users/account';
import { removeUser } from '$lib/server/users/manage-users';
import { registerUser } from '$lib/server/users/register';

const rotateMs = () => getConfig().SESSION_ROTATE_SECONDS * 1000;
const graceMs = () => getConfig().SESSION_GRACE_SECONDS * 1000;
const idleMs = () => getConfig().SESSION_IDLE_SECONDS * 1000;
const check = (token: string, now = Date.now(), userAgent = 'test') =>
	checkSessionToken(token, { userAgent, mayRotate: true, now });
/** What the answer tells the person, when it refused the session. */
const noticeOf = (answer: SessionCheck) => (answer.session ? undefined : answer.notice);

let ended: SessionEnd[] = [];
let stopListening = () => {};
beforeEach(async () => {
	await resetStorage();
	ended = [];
	stopListening = onSessionEnded((end) => ended.push(end));
	// The first user is the admin; the tests act on a second one.
	await registerUser({ name: 'admin', password: 'password1' });
});
afterEach(() => stopListening());

async function twoLogins() {
	const user = await registerUser({ name: `u${Math.random()}`, password: 'password1' });
	const here = await startSession(user.id, 'here');
	const there = await startSession(user.id, 'there');
	return { user, here, there };
}

describe('an ended session tells why on the next request, until it would have expired', () => {
	it('a session ended from another session is told it was ended elsewhere', async () => {
		const { here, there } = await twoLogins();
		await endOwnSession(here.session, there.session.family);
		expect(await check(there.token)).toEqual({
			session: null,
			user: null,
			notice: 'session-ended-elsewhere'
		});
		expect(ended).toContainEqual({ family: there.session.family, reason: 'revoked' });
		expect((await check(here.token)).session).not.toBeNull();
	});

	it('a session ended by a password change is told so, and its stream closes revoked', async () => {
		const { here, there } = await twoLogins();
		const { login } = await updateAccount(
			here.session,
			{ password: 'password2', currentPassword: 'password1' },
			'here'
		);
		expect(noticeOf(await check(there.token))).toBe('password-changed');
		expect(noticeOf(await check(here.token))).toBe('password-changed');
		expect((await check(login!.token)).session).not.toBeNull();
		expect(ended).toContainEqual({ family: there.session.family, reason: 'revoked' });
	});

	it('a session whose user was deleted is told so, though its rows went with the user', async () => {
		const { user, there } = await twoLogins();
		await change(async (tx) => removeUser(tx, user.id));
		expect(valueNow('SELECT COUNT(*) FROM session WHERE user_id = ?', user.id)).toBe(0);
		expect(await check(there.token)).toMatchObject({ session: null, notice: 'user-deleted' });
	});

	it('a logout by the person needs no notice', async () => {
		const { here } = await twoLogins();
		await endOwnSession(here.session, here.session.family);
		const answer = await check(here.token);
		expect(answer.session).toBeNull();
		expect(noticeOf(answer)).toBeUndefined();
	});

	it('an ended rotated predecessor is never rotated back to life', async () => {
		const { here } = await twoLogins();
		const at = here.session.createdAt + rotateMs();
		const rotated = await check(here.token, at);
		expect(rotated.newToken).toBeDefined();
		await endOwnSession(rotated.session!, here.session.family);
		// The old key past grace: ended like its family, not re-rotated.
		const back = await check(here.token, at + graceMs());
		expect(back.session).toBeNull();
		expect(back.newToken).toBeUndefined();
		const live = valueNow('SELECT COUNT(*) FROM session WHERE family = ?', here.session.family);
		expect(live).toBe(0);
	});

	it('the notice stops once the session would have expired, and the sweep deletes the tombstone', async () => {
		const { here, there } = await twoLogins();
		await endOwnSession(here.session, there.session.family);
		const expiry = there.session.lastSeenAt + idleMs();
		expect(noticeOf(await check(there.token, expiry - 1))).toBe('session-ended-elsewhere');
		expect(noticeOf(await check(there.token, expiry))).toBeUndefined();
		expect(await change((tx) => tx.endedSessions.prune(expiry - 1))).toBe(0);
		expect(await change((tx) => tx.endedSessions.prune(expiry))).toBe(1);
	});
});

describe('the security record of a theft', () => {
	it('names both browsers: the other party first, the presenter of the old key second', async () => {
		const user = await registerUser({ name: 'owner', password: 'password1' });
		const { token, session } = await startSession(user.id, 'Owner browser');
		const at = session.createdAt + rotateMs();
		const thiefs = await check(token, at, 'Thief browser');
		await check(thiefs.newToken!, at + 1, 'Thief browser');
		expect(noticeOf(await check(token, at + graceMs() + 2, 'Owner browser'))).toBe('session-taken');
		expect(await readRecords((r) => r.securityRecords.listOf(user.id, 50))).toEqual([
			{
				kind: 'session-taken',
				createdAt: at + graceMs() + 2,
				userAgent: 'Owner browser',
				otherUserAgent: 'Thief browser'
			}
		]);
	});
});
