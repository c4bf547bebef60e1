import { afterAll, expect, it } from 'vitest';
import type { Records, Storage } from '$lib/server/storage';
import { openSqliteStorage } from '$lib/server/storage/sqlite/sqlite-storage';
import { PostgresStorage } from '$lib/server/storage/postgres/postgres-storage';
import { freshDatabase } from '../helpers/postgres';

/*
 * One code path, two databases: every records method runs the same script on SQLite and on
 * PostgreSQL, and every answer must be equal. The data holds what the dialects disagree on:
 * case-folded and accented names, LIKE's own characters, offsets without limits, empty lists,
 * row counts, upserts.
 */
const t0 = Date.UTC(2031, 6, 3, 10);
const hour = 3_600_000;

async function script(storage: Storage) {
	const out: Record<string, unknown> = {};
	const w = <T>(body: (r: Records) => Promise<T>) => storage.change((tx) => body(tx), t0);
	const r = <T>(body: (r: Records) => Promise<T>) => storage.read(body);
	let step = 0;
	const log = async (name: string, value: Promise<unknown>) => {
		out[`${String(++step).padStart(3, '0')} ${name}`] = await value;
	};
	const names = ['Ann', 'bob', 'Bé', 'bÉ', 'Zed', 'a%b', 'a_c', 'x\\y', 'Carl', 'émile'];
	await w(async (tx) => {
		for (const [i, name] of names.entries())
			await tx.users.insert(
				{
					id: `u${i}`,
					name,
					type: i % 3 === 0 ? 'admin' : i % 3 === 1 ? 'crew' : 'regular',
					createdAt: 100 - (i % 4),
					lastSeenAt: i % 2 ? null : 1000 + i,
					suspendedAt: null
				},
				`hash${i}`
			);
		await tx.users.setSuspended('u3', 5, 'u0');
		await tx.users.rename('u4', 'zed', 'crew');
		await tx.users.setPasswordHash('u1', 'new');
		await tx.users.setLastSeen('u2', 77);
	});
	for (const n of ['ANN', 'ann', 'BOB', 'bé', 'BÉ', 'Émile', 'nobody', 'ZED'])
		await log(
			`findWithHashByName ${n}`,
			r((x) => x.users.findWithHashByName(n))
		);
	await log(
		'find',
		r((x) => x.users.find('u1'))
	);
	await log(
		'find none',
		r((x) => x.users.find('none'))
	);
	await log(
		'passwordHash',
		r((x) => x.users.passwordHash('u1'))
	);
	await log(
		'passwordHash none',
		r((x) => x.users.passwordHash('none'))
	);
	await log(
		'count',
		r((x) => x.users.count())
	);
	await log(
		'list',
		r((x) => x.users.list())
	);
	await log(
		'countActiveAdmins',
		r((x) => x.users.countActiveAdmins())
	);
	for (const q of ['', 'a', 'B', '%', '_', '\\', 'é', 'É', 'zz'])
		for (const sort of ['name', 'created', 'lastSeen'] as const)
			for (const order of ['asc', 'desc'] as const)
				for (const [limit, offset] of [
					[undefined, 0],
					[undefined, 2],
					[3, 0],
					[3, 4]
				] as const)
					await log(
						`query ${q} ${sort} ${order} ${limit} ${offset}`,
						r((x) => x.users.query({ q, sort, order, limit, offset }))
					);

	// Locations, entries, interests, clock.
	await w(async (tx) => {
		for (const [i, name] of ['hall', 'Hall', 'atrium', 'Zebra', 'éa'].entries())
			await tx.locations.insert({ id: `l${i}`, name, description: `d${i}` }, i);
		await tx.locations.save({ id: 'l4', name: 'Éa', description: 'x' });
		for (let i = 0; i < 30; i++)
			await tx.entries.insert({
				id: `e${i}`,
				title: ['Talk', 'talk', 'Ta%lk', 'Café', 'CAFÉ'][i % 5] + (i % 7),
				description: ['', 'with_underscore', 'back\\slash', 'Percent%', 'plain'][i % 5],
				locationId: i % 4 ? `l${i % 5}` : null,
				start: t0 + (i % 10) * hour,
				end: t0 + (i % 10) * hour + ((i % 3) + 1) * hour,
				visibility: (['public', 'crew', 'draft'] as const)[i % 3],
				crewNotes: '',
				createdAt: 1,
				updatedAt: 1,
				revision: 0,
				calendarRevision: 0,
				calendarChangedAt: 0,
				interestedCount: 0
			});
		const e5 = await tx.entries.find('e5');
		await tx.entries.save({ ...e5!, title: 'Renamed', revision: 3 });
		await tx.entries.delete('e29');
		for (let i = 0; i < 12; i++) {
			await log(`interest add ${i}`, tx.interests.add(`u${i % 3}`, `e${i * 2}`, 50 - i));
			await log(`interest add again ${i}`, tx.interests.add(`u${i % 3}`, `e${i * 2}`, 50 - i));
		}
		await log('interest remove', tx.interests.remove('u0', 'e0'));
		await log('interest remove none', tx.interests.remove('u0', 'e0'));
		await tx.entries.touchClock(500);
		await tx.entries.touchClock(400);
		await log('clock', tx.entries.clock());
		await tx.entries.touchClock(600);
	});
	await log(
		'clock after',
		r((x) => x.entries.clock())
	);
	await log(
		'locations list',
		r((x) => x.locations.list())
	);
	await log(
		'locations names',
		r((x) => x.locations.listNames())
	);
	await log(
		'location find',
		r((x) => x.locations.find('l2'))
	);
	for (const vis of [[], ['public'], ['public', 'crew'], ['public', 'crew', 'draft']] as const) {
		await log(
			`list ${vis}`,
			r((x) => x.entries.list(vis))
		);
		await log(
			`listStartingIn ${vis}`,
			r((x) => x.entries.listStartingIn(vis, t0 + 2 * hour, t0 + 5 * hour))
		);
		await log(
			`listStartingIn running ${vis}`,
			r((x) => x.entries.listStartingIn(vis, t0 + 2 * hour, t0 + 5 * hour, t0 + 3 * hour))
		);
		for (const text of ['talk', 'TA', '%', '_', '\\', 'café', 'é', 'nothing'])
			await log(
				`search ${vis} ${text}`,
				r((x) => x.entries.search(vis, text, 7))
			);
		await log(
			`markedBy ${vis}`,
			r((x) => x.entries.markedBy('u1', vis))
		);
		await log(
			`firstStartFrom ${vis}`,
			r((x) => x.entries.firstStartFrom(vis, t0 + 3 * hour + 1))
		);
		await log(
			`firstStartFrom late ${vis}`,
			r((x) => x.entries.firstStartFrom(vis, t0 + 30 * hour))
		);
	}
	await log(
		'entries countAt',
		r((x) => x.entries.countAt('l1'))
	);
	await log(
		'interests has',
		r((x) => x.interests.has('u1', 'e2'))
	);
	await log(
		'interests has not',
		r((x) => x.interests.has('u1', 'e3'))
	);
	await log(
		'markersOf',
		r(async (x) => (await x.interests.markersOf('e2')).sort())
	);
	await log(
		'deleteAllOf',
		w(async (tx) => (await tx.interests.deleteAllOf('u2')).sort())
	);

	// Shifts.
	await w(async (tx) => {
		for (let i = 0; i < 5; i++)
			await tx.shifts.insert({
				id: `s${i}`,
				role: `role${i}`,
				locationId: i % 2 ? 'l1' : null,
				start: t0 + (3 - i) * hour,
				end: t0 + (4 - i) * hour,
				needed: 3,
				crewIds: [],
				notes: '',
				createdAt: 1,
				updatedAt: 1,
				revision: 0
			});
		await tx.shifts.addCrew('s0', 'u1', 10);
		await tx.shifts.addCrew('s0', 'u0', 11);
		await tx.shifts.addCrew('s1', 'u1', 12);
		await log('removeCrew', tx.shifts.removeCrew('s0', 'u1'));
		await log('removeCrew none', tx.shifts.removeCrew('s0', 'u1'));
		await tx.shifts.addCrew('s0', 'u1', 13);
		await tx.shifts.setCrew('s2', ['u4', 'u1', 'u0'], 14);
		await tx.shifts.setCrew('s2', ['u0', 'u7'], 15);
		const s3 = await tx.shifts.find('s3');
		await tx.shifts.save({ ...s3!, role: 'changed', revision: 2 });
		await tx.shifts.delete('s3');
	});
	await log(
		'shifts list',
		r((x) => x.shifts.list())
	);
	await log(
		'shifts listOf',
		r((x) => x.shifts.listOf('u1'))
	);
	await log(
		'shift find',
		r((x) => x.shifts.find('s0'))
	);
	await log(
		'shift countAt',
		r((x) => x.shifts.countAt('l1'))
	);
	await log(
		'listShiftPeople',
		r((x) => x.users.listShiftPeople())
	);

	// Invitations, resets, feeds, settings, feed versions.
	await w(async (tx) => {
		for (let i = 0; i < 3; i++)
			await tx.invitations.insert(
				{
					id: `i${i}`,
					createdAt: 10 + (i % 2),
					expiresAt: 99,
					usedAt: null,
					createdBy: 'u0',
					usedBy: null
				},
				`ih${i}`
			);
		await log('markUsed', tx.invitations.markUsed('i1', 'u2', 20));
		await log('markUsed again', tx.invitations.markUsed('i1', 'u2', 21));
		await log('invitation delete', tx.invitations.delete('i2'));
		await log('invitation delete none', tx.invitations.delete('i2'));
		for (let i = 0; i < 5; i++)
			await tx.passwordResets.insert(
				{
					id: `r${i}`,
					userId: 'u1',
					createdBy: i % 2 ? 'u0' : null,
					createdAt: 10 + (i % 3),
					expiresAt: 100 + i,
					usedAt: null
				},
				`rh${i}`
			);
		await log('reset markUsed', tx.passwordResets.markUsed('r4', 30));
		await log('reset markUsed again', tx.passwordResets.markUsed('r4', 31));
	});
	await log(
		'invitations list',
		r((x) => x.invitations.list())
	);
	await log(
		'invitation byToken',
		r((x) => x.invitations.findByTokenHash('ih1'))
	);
	await log(
		'reset byToken',
		r((x) => x.passwordResets.findByTokenHash('rh1'))
	);
	await log(
		'listOutstanding',
		r((x) => x.passwordResets.listOutstanding('u1', 101))
	);
	await log(
		'deleteUnused',
		w((tx) => tx.passwordResets.deleteUnused('u1', 'r3'))
	);
	await log(
		'deleteUnused none',
		w((tx) => tx.passwordResets.deleteUnused('u1', 'r3'))
	);
	await log(
		'deleteUnusedMadeBy',
		w((tx) => tx.passwordResets.deleteUnusedMadeBy('u0'))
	);
	await log(
		'deleteUnusedOf',
		w((tx) => tx.passwordResets.deleteUnusedOf('u1'))
	);
	await w(async (tx) => {
		await tx.calendarFeeds.replace('u1', 'fh1', 5);
		await tx.calendarFeeds.replace('u1', 'fh2', 6);
		await tx.calendarFeeds.replace('u2', 'fh3', 7);
		await tx.feedVersions.save('calendar u1', 'etag', 1);
		await tx.feedVersions.save('calendar u1', 'etag2', 2);
		await tx.feedVersions.save('schedule', 'etag3', 3);
	});
	await log(
		'feed byToken',
		r((x) => x.calendarFeeds.findByTokenHash('fh2'))
	);
	await log(
		'feed byToken old',
		r((x) => x.calendarFeeds.findByTokenHash('fh1'))
	);
	await log(
		'feed of',
		r((x) => x.calendarFeeds.findOf('u2'))
	);
	await log(
		'feed version',
		r((x) => x.feedVersions.find('calendar u1'))
	);
	await log(
		'feed delete',
		w((tx) => tx.calendarFeeds.delete('u1'))
	);
	await log(
		'feed delete none',
		w((tx) => tx.calendarFeeds.delete('u1'))
	);
	await log(
		'feed version gone',
		r((x) => x.feedVersions.find('calendar u1'))
	);
	await log(
		'feed version kept',
		r((x) => x.feedVersions.find('schedule'))
	);
	await log(
		'settings none',
		r((x) => x.settings.find())
	);
	await log(
		'isSetUp none',
		r((x) => x.settings.isSetUp())
	);
	const settings = {
		name: 'G',
		timeZone: 'UTC',
		registration: 'open' as const,
		dayStartsAt: '00:00'
	};
	await w((tx) => tx.settings.seed(settings));
	await w((tx) => tx.settings.seed({ ...settings, name: 'ignored' }));
	await log(
		'settings seeded',
		r((x) => x.settings.find())
	);
	await log(
		'isSetUp no',
		r((x) => x.settings.isSetUp())
	);
	await w((tx) => tx.settings.save({ ...settings, name: 'Saved', dayStartsAt: '06:00' }));
	await w((tx) => tx.settings.markSetUp(9));
	await w((tx) => tx.settings.markSetUp(10));
	await log(
		'settings saved',
		r((x) => x.settings.find())
	);
	await log(
		'isSetUp yes',
		r((x) => x.settings.isSetUp())
	);

	// Sessions.
	const session = (id: string, user: string, family: string, created: number) => ({
		id,
		user_id: user,
		expires_at: 1000 + created,
		public_id: `p${id}`,
		family,
		family_created_at: 1,
		created_at: created,
		rotates_at: 500,
		user_agent: `ua ${id}`,
		last_seen_at: created
	});
	await w(async (tx) => {
		await tx.sessions.insert(session('a1', 'u1', 'fa', 1));
		await tx.sessions.insert(session('a2', 'u1', 'fa', 2));
		await tx.sessions.insert(session('a3', 'u1', 'fa', 3));
		await tx.sessions.insert(session('b1', 'u1', 'fb', 4));
		await tx.sessions.insert(session('c1', 'u1', 'fc', 5));
		await tx.sessions.insert(session('d1', 'u2', 'fd', 6));
		await tx.sessions.markRotated('a1', 'a2', 7);
		await log('supersede', tx.sessions.supersede('a3', 8));
		await log('supersede again', tx.sessions.supersede('a3', 8));
		await tx.sessions.markSeen('b1', 9, 2000);
		await tx.sessions.setExpiresAt('c1', 3);
	});
	await log(
		'received',
		r((x) => x.sessions.received('b1'))
	);
	await log(
		'received no',
		r((x) => x.sessions.received('c1'))
	);
	await log(
		'received none',
		r((x) => x.sessions.received('zz'))
	);
	await log(
		'countSupersededAfter',
		r((x) => x.sessions.countSupersededAfter('fa', 2))
	);
	await log(
		'otherPartyOf',
		r((x) => x.sessions.otherPartyOf('fa', 'a2'))
	);
	await log(
		'otherPartyOf none',
		r((x) => x.sessions.otherPartyOf('fd', 'd1'))
	);
	await log(
		'liveLoginsOf',
		r((x) => x.sessions.liveLoginsOf('u1', 'fb'))
	);
	await log(
		'openFamiliesOf',
		r(async (x) => (await x.sessions.openFamiliesOf('u1', 'fb')).sort())
	);
	await log(
		'openFamiliesOf null',
		r(async (x) => (await x.sessions.openFamiliesOf('u1', null)).sort())
	);
	await log(
		'isOpenFamilyOf',
		r((x) => x.sessions.isOpenFamilyOf('u1', 'fa'))
	);
	await log(
		'isOpenFamilyOf no',
		r((x) => x.sessions.isOpenFamilyOf('u2', 'fa'))
	);
	await log(
		'ownSession',
		r((x) => x.sessions.ownSession('fa'))
	);
	await log(
		'ownSessionsOf',
		r((x) => x.sessions.ownSessionsOf('u1'))
	);
	await log(
		'session find',
		r((x) => x.sessions.find('a1'))
	);
	await log(
		'sessions listOf',
		r((x) => x.sessions.listOf('u1'))
	);
	await w((tx) => tx.sessions.markFamilyTaken('fa', 20));
	await log(
		'after taken',
		r((x) => x.sessions.listOf('u1'))
	);
	await w((tx) => tx.endedSessions.endFamily('fb', 'logged-out', { idleMs: 5, maxMs: 100 }));
	await w(async (tx) => {
		await tx.sessions.insert(session('b1', 'u1', 'fb', 30));
		await tx.endedSessions.endUser('u1', 'revoked', { idleMs: 1000, maxMs: 10 });
	});
	await log(
		'ended b1',
		r((x) => x.endedSessions.find('b1'))
	);
	await log(
		'ended a1',
		r((x) => x.endedSessions.find('a1'))
	);
	await log(
		'sessions after end',
		r((x) => x.sessions.listOf('u1'))
	);
	await log(
		'ended prune',
		w((tx) => tx.endedSessions.prune(11))
	);
	await log(
		'deleteExpired',
		w((tx) => tx.sessions.deleteExpired(1006))
	);
	await w((tx) => tx.sessions.delete('zz'));
	for (let i = 0; i < 4; i++)
		await w((tx) =>
			tx.securityRecords.add('u1', {
				kind: 'session-taken',
				createdAt: 10 + (i % 2),
				userAgent: `ua${i}`,
				otherUserAgent: ''
			})
		);
	await log(
		'security listOf',
		r((x) => x.securityRecords.listOf('u1', 3))
	);
	await log(
		'security prune',
		w((tx) => tx.securityRecords.prune(11))
	);

	// Audit.
	await w(async (tx) => {
		for (let i = 0; i < 12; i++)
			await tx.audit.add({
				at: 10 + i,
				actor:
					i % 4 === 3
						? null
						: { id: `u${i % 3}`, name: ['zoe', 'Adam', 'bea'][i % 3] + (i > 6 ? '!' : '') },
				action: i % 2 ? 'user-rename' : 'entry-update',
				target: { id: `t${i % 2}`, name: 'T' },
				detail: '',
				quoted: i % 5 ? null : 'q',
				changes: i % 3 ? null : [{ field: 'title', from: 'a', to: 'b' }]
			} as never);
	});
	await log(
		'audit list',
		r((x) => x.audit.list({}))
	);
	await log(
		'audit list filtered',
		r((x) => x.audit.list({ before: 9, action: 'user-rename', limit: 2 } as never))
	);
	await log(
		'audit list actor',
		r((x) => x.audit.list({ actor: 'u1', target: 't1' } as never))
	);
	await log(
		'actors',
		r((x) => x.audit.actors())
	);
	await w((tx) => tx.audit.trim('t0', 2, 'entry-update' as never));
	await w((tx) => tx.audit.trim('t1', 3));
	await log(
		'audit after trim',
		r((x) => x.audit.list({}))
	);
	await log(
		'audit prune',
		w((tx) => tx.audit.prune(18))
	);
	await w(async (tx) => {
		await tx.users.delete('u9');
		await tx.locations.insert({ id: 'l9', name: 'gone', description: '' }, 1);
		await tx.locations.delete('l9');
	});
	await log(
		'users after delete',
		r((x) => x.users.list())
	);
	await w(async (tx) => {
		for (const at of [10, 10, 12]) await tx.attempts.add('k', 'key', '', at, at + 100);
		await tx.attempts.add('names', 'addr', 'Ann', 11, 111);
		await tx.attempts.add('names', 'addr', 'bob', 13, 113);
		await tx.attempts.add('names', 'addr', 'Ann', 14, 114);
		await tx.attempts.remove('k', 'key', '', 12);
		await tx.attempts.remove('k', 'key', '', 99);
	});
	await log(
		'attempt times',
		r((x) => x.attempts.times('k', 'key', 0))
	);
	await log(
		'attempt names',
		r((x) => x.attempts.names('names', 'addr', 0))
	);
	await log(
		'attempt prune',
		w((tx) => tx.attempts.prune(111))
	);
	await w((tx) => tx.attempts.clear('names', 'addr', 'bob'));
	await log(
		'attempt names after clear',
		r((x) => x.attempts.names('names', 'addr', 0))
	);
	return out;
}

let dispose: (() => Promise<void>) | undefined;
afterAll(() => dispose?.());

it('answers the same on SQLite and PostgreSQL', async () => {
	const sqlite = openSqliteStorage(':memory:');
	const database = await freshDatabase();
	const postgres = new PostgresStorage({ url: database.url, poolSize: 4 });
	dispose = async () => {
		await postgres.close();
		await database.release();
	};
	await postgres.ready;
	const a = await script(sqlite);
	const b = await script(postgres);
	expect(Object.keys(b)).toEqual(Object.keys(a));
	for (const key of Object.keys(a)) expect(b[key], key).toEqual(a[key]);
	sqlite.close();
}, 120_000);
