import { describe, expect, it } from 'vitest';
import {
	decideSession,
	maxReRotations,
	noticeForEnding,
	sessionExpiresAt,
	shouldTouch,
	type SessionFacts,
	type SessionTimes
} from '$lib/server/auth/session-decision';
import { sessionEndings } from '$lib/server/types';

const times: SessionTimes = { rotateMs: 2_000, graceMs: 1_000, idleMs: 10_000, maxMs: 60_000 };
const login = 1_000_000;
const fresh: SessionFacts = {
	familyCreatedAt: login,
	rotatesAt: login + times.rotateMs,
	lastSeenAt: login,
	rotatedAt: null,
	successorReceived: null,
	endedReason: null
};
const rotated = (at: number, received: boolean): SessionFacts => ({
	...fresh,
	lastSeenAt: at,
	rotatedAt: at,
	successorReceived: received
});

describe('the session decision', () => {
	it('is valid before the rotation time and rotates exactly at it', () => {
		expect(decideSession(fresh, login + times.rotateMs - 1, times)).toBe('valid');
		expect(decideSession(fresh, login + times.rotateMs, times)).toBe('rotate');
	});

	it('accepts a rotated session inside the grace window, up to its last millisecond', () => {
		const at = login + 3_000;
		expect(decideSession(rotated(at, true), at, times)).toBe('grace');
		expect(decideSession(rotated(at, true), at + times.graceMs - 1, times)).toBe('grace');
		expect(decideSession(rotated(at, false), at + times.graceMs - 1, times)).toBe('grace');
	});

	it('after the grace window re-rotates when the successor was never received', () => {
		const at = login + 3_000;
		expect(decideSession(rotated(at, false), at + times.graceMs, times)).toBe('re-rotate');
	});

	it('re-rotates a key whose successors go unused only so often, then calls it theft', () => {
		const at = login + 3_000;
		const after = (superseded: number) =>
			decideSession({ ...rotated(at, false), supersededSuccessors: superseded }, at + 1_000, times);
		for (let superseded = 0; superseded < maxReRotations; superseded++) {
			expect(after(superseded)).toBe('re-rotate');
		}
		expect(after(maxReRotations)).toBe('theft');
		// Inside the grace window it still stands for its family's current session.
		expect(
			decideSession({ ...rotated(at, false), supersededSuccessors: maxReRotations }, at, times)
		).toBe('grace');
	});

	it('after the grace window calls it theft when the successor was received', () => {
		const at = login + 3_000;
		expect(decideSession(rotated(at, true), at + times.graceMs, times)).toBe('theft');
	});

	it('expires after the idle time, sliding with use', () => {
		expect(decideSession(fresh, login + times.idleMs - 1, times)).not.toBe('expired');
		expect(decideSession(fresh, login + times.idleMs, times)).toBe('expired');
		const used = { ...fresh, lastSeenAt: login + 5_000, rotatesAt: login + 50_000 };
		expect(decideSession(used, login + times.idleMs + 1, times)).toBe('valid');
	});

	it('never outlives the absolute lifetime from the family login, however active', () => {
		const busy = {
			...fresh,
			lastSeenAt: login + times.maxMs - 1,
			rotatesAt: login + 10 * times.maxMs
		};
		expect(sessionExpiresAt(busy, times)).toBe(login + times.maxMs);
		expect(decideSession(busy, login + times.maxMs - 1, times)).toBe('valid');
		expect(decideSession(busy, login + times.maxMs, times)).toBe('expired');
	});

	it('a tombstone of a stolen family tells of the theft until it would have expired', () => {
		const tomb = { ...fresh, endedReason: 'taken' };
		expect(decideSession(tomb, login + 1, times)).toBe('taken');
		expect(decideSession(tomb, login + times.idleMs, times)).toBe('expired');
	});

	it('a superseded successor is theft when presented, and expired once it would have expired', () => {
		const superseded: SessionFacts = { ...fresh, endedReason: 'superseded' };
		expect(decideSession(superseded, login + 1, times)).toBe('theft');
		expect(decideSession(superseded, login + times.idleMs, times)).toBe('expired');
	});

	it('a tombstone of a login ended otherwise decides as ended until it would have expired, never re-rotates', () => {
		for (const endedReason of sessionEndings) {
			const tomb: SessionFacts = { ...fresh, endedReason };
			expect(decideSession(tomb, login + 1, times)).toBe('ended');
			// Even past its rotation and grace, and as a rotated predecessor: never a new key.
			expect(decideSession(tomb, login + times.rotateMs + times.graceMs, times)).toBe('ended');
			const predecessor: SessionFacts = { ...rotated(login + 3_000, false), endedReason };
			expect(decideSession(predecessor, login + 3_000 + times.graceMs, times)).toBe('ended');
			expect(decideSession(tomb, login + times.idleMs, times)).toBe('expired');
		}
	});

	it('an ended session tells why in plain words, except a logout by the person', () => {
		expect(noticeForEnding('logged-out')).toBeUndefined();
		expect(noticeForEnding('revoked')).toBe('session-ended-elsewhere');
		expect(noticeForEnding('password-changed')).toBe('password-changed');
		expect(noticeForEnding('deleted')).toBe('user-deleted');
	});

	it('an expired rotated session is expired, not theft', () => {
		const at = login + 3_000;
		expect(decideSession(rotated(at, true), at + times.idleMs, times)).toBe('expired');
	});

	it('touches last-seen in coarse steps, never coarser than a twentieth of the idle time', () => {
		expect(shouldTouch(login, login + 499, times)).toBe(false);
		expect(shouldTouch(login, login + 500, times)).toBe(true);
		const long = { ...times, idleMs: 14 * 24 * 3600_000 };
		expect(shouldTouch(login, login + 59_999, long)).toBe(false);
		expect(shouldTouch(login, login + 60_000, long)).toBe(true);
	});
});
