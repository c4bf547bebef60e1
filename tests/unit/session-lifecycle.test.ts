import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSessionToken } from '$lib/server/auth/session-check';
import { onSessionEnded, resetStorage, rowsNow, valueNow } from '../helpers/storage';
import type { SessionEnd } from '$lib/server/storage';
import { createSession, startSession } from '$lib/server/auth/session-start';
import { change } from '$lib/server/storage';
import { generateSessionToken, hashSessionToken } from '$lib/server/auth/token';
import { getConfig } from '$lib/server/config';
import { registerUser } from '$lib/server/users/register';

// Durations come from the unit project's environment (vite.config.ts).
const rotateMs = () => getConfig().SESSION_ROTATE_SECONDS * 1000;
const graceMs = () => getConfig().SESSION_GRACE_SECONDS * 1000;
const options = (now: number, mayRotate = true) => ({ userAgent: 'test', mayRotate, now });

let ended: SessionEnd[] = [];
let stopListening = () => {};
beforeEach(async () => {
	await resetStorage();
	ended = [];
	stopListening = onSessionEnded((end) => ended.push(end));
});
afterEach(() => stopListening());

async function login() {
	const user = await registerUser({ name: `u${Math.random()}`, password: 'password1' });
	return { user, ...(await startSession(user.id, 'test')) };
}

describe('session keys', () => {
	it('the token has at least 120 random bits and the key is its SHA-256', async () => {
		const token = generateSessionToken();
		expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(120);
		expect(generateSessionToken()).not.toBe(token);
		expect(hashSessionToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
	});

	it('the database holds the hash of the token and never the token', async () => {
		const { token, session } = await login();
		const ids = rowsNow<{ id: string }>('SELECT id FROM session').map((row) => row.id);
		expect(ids).toEqual([hashSessionToken(token)]);
		expect(session.id).toBe(hashSessionToken(token));
		const dump = JSON.stringify(rowsNow('SELECT * FROM session'));
		expect(dump).not.toContain(token);
		expect(session.publicId).not.toBe(session.id);
	});
});

describe('sessions Lucia creates', () => {
	it('are part of their change: a change that fails after creating one leaves no session', async () => {
		const user = await registerUser({ name: `u${Math.random()}`, password: 'password1' });
		const failed = change(async (tx) => {
			const { token } = await createSession(tx, { userId: user.id, userAgent: 'test' });
			// The session is there inside the change, through the same records.
			expect(await tx.sessions.find(hashSessionToken(token))).toBeDefined();
			throw new Error('the change fails after the session was made');
		});
		await expect(failed).rejects.toThrow('the change fails');
		expect(valueNow('SELECT COUNT(*) FROM session')).toBe(0);
	});
});

describe('session validation', () => {
	it('a fresh session is valid for its user and unknown tokens are not', async () => {
		const { token, user } = await login();
		const check = await checkSessionToken(token, options(Date.now()));
		expect(check.user?.id).toBe(user.id);
		expect(check.session && 'newToken' in check).toBe(false);
		expect(
			(await checkSessionToken(generateSessionToken(), options(Date.now()))).session
		).toBeNull();
	});

	it('a session past its idle time is refused and removed', async () => {
		const { token } = await login();
		const later = Date.now() + getConfig().SESSION_IDLE_SECONDS * 1000 + 1;
		expect((await checkSessionToken(token, options(later))).session).toBeNull();
		expect(valueNow('SELECT COUNT(*) FROM session')).toBe(0);
	});

	it('a due session rotates into a new one of the same family and its streams are told', async () => {
		const { token, session } = await login();
		const check = await checkSessionToken(token, options(session.createdAt + rotateMs()));
		if (!check.session) throw new Error('expected a session');
		expect(check.newToken).toBeDefined();
		expect(check.session.family).toBe(session.family);
		expect(check.session.id).toBe(hashSessionToken(check.newToken!));
		expect(ended).toEqual([{ sessionIds: [session.id], reason: 'rotated' }]);
	});

	it('the upgrade path never rotates', async () => {
		const { token, session } = await login();
		const check = await checkSessionToken(token, options(session.createdAt + rotateMs(), false));
		expect(check.session?.id).toBe(session.id);
		expect(check.session && 'newToken' in check && check.newToken).toBeFalsy();
	});

	it('inside the grace window the old cookie stands for the current session, with no new cookie', async () => {
		const { token, session } = await login();
		const at = session.createdAt + rotateMs();
		const rotated = await checkSessionToken(token, options(at));
		const again = await checkSessionToken(token, options(at + graceMs() - 1));
		expect(again.session?.id).toBe(rotated.session?.id);
		expect(again.session && again.newToken).toBeFalsy();
	});

	it('after the grace window, an unreceived successor means a lost response: rotate again, no alarm', async () => {
		const { token, session } = await login();
		const at = session.createdAt + rotateMs();
		const lost = await checkSessionToken(token, options(at));
		const retry = await checkSessionToken(token, options(at + graceMs()));
		expect(retry.session).not.toBeNull();
		expect(retry.newToken).toBeDefined();
		expect(retry.session?.family).toBe(session.family);
		expect(
			(await checkSessionToken(retry.newToken!, options(at + graceMs()))).session
		).not.toBeNull();
		expect(ended.filter((end) => end.reason === 'taken')).toEqual([]);
		// The lost successor was superseded, and its streams told so.
		expect(ended).toContainEqual({ sessionIds: [lost.session!.id], reason: 'rotated' });
	});

	it('a successor first presented only when it is itself due still counts as received (theft is caught)', async () => {
		const { token, session } = await login();
		const at = session.createdAt + rotateMs();
		const first = await checkSessionToken(token, options(at));
		// Its browser slept past the successor's own rotation time, then woke and rotated it.
		const second = await checkSessionToken(first.newToken!, options(at + rotateMs()));
		expect(second.newToken).toBeDefined();
		const copy = await checkSessionToken(token, options(at + rotateMs() + graceMs()));
		expect(copy).toMatchObject({ session: null, notice: 'session-taken' });
		expect(
			await checkSessionToken(second.newToken!, options(at + rotateMs() + graceMs()))
		).toMatchObject({ session: null, notice: 'session-taken' });
		const live = valueNow(
			'SELECT COUNT(*) FROM session WHERE family = ? AND ended_reason IS NULL AND rotated_at IS NULL',
			session.family
		);
		expect(live).toBe(0);
	});

	it('a delivered but unused successor replaced by a rotation from the old cookie is a tombstone: its later use is theft', async () => {
		const { token, session, user } = await login();
		const at = session.createdAt + rotateMs();
		const owners = await checkSessionToken(token, options(at));
		// Someone else presents the old cookie after grace, before the owner used the new one.
		const thiefs = await checkSessionToken(token, options(at + graceMs()));
		expect(thiefs.newToken).toBeDefined();
		expect(ended).toContainEqual({ sessionIds: [owners.session!.id], reason: 'rotated' });
		// The owner comes back with the cookie it was given: two parties held the login.
		const back = await checkSessionToken(owners.newToken!, options(at + graceMs() + 5));
		expect(back).toMatchObject({ session: null, notice: 'session-taken' });
		expect(await checkSessionToken(thiefs.newToken!, options(at + graceMs() + 6))).toMatchObject({
			session: null,
			notice: 'session-taken'
		});
		expect(ended).toContainEqual({ family: session.family, reason: 'taken' });
		const records = valueNow('SELECT COUNT(*) FROM security_record WHERE user_id = ?', user.id);
		expect(records).toBe(1);
	});

	it('after the grace window, a received successor means theft: the family ends and both cookies tell it', async () => {
		const { token, session, user } = await login();
		const at = session.createdAt + rotateMs();
		const rotated = await checkSessionToken(token, options(at));
		expect((await checkSessionToken(rotated.newToken!, options(at + 10))).session).not.toBeNull();
		const stolen = await checkSessionToken(token, options(at + graceMs()));
		expect(stolen).toMatchObject({ session: null, notice: 'session-taken' });
		expect(await checkSessionToken(rotated.newToken!, options(at + graceMs() + 1))).toMatchObject({
			session: null,
			notice: 'session-taken'
		});
		expect(ended).toContainEqual({ family: session.family, reason: 'taken' });
		const records = rowsNow<{ kind: string }>(
			'SELECT kind FROM security_record WHERE user_id = ?',
			user.id
		).map((row) => row.kind);
		expect(records).toEqual(['session-taken']);
	});
});
