import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiEntry, ApiSettings, ApiShift } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { serverForSuite } from '../helpers/server';
import { connectStream, lastEventId } from '../helpers/stream';

/*
 * A new instance asks its first admin for the gathering's name, time zone, days and
 * registration before anything else; once set up, a change of zone keeps the programme's
 * wall-clock times (01:58 stays 01:58), and open streams receive every moved entry and shift.
 */

const html = { headers: { accept: 'text/html' } };
const minute = 60_000;
const hour = 60 * minute;

describe('a new instance', () => {
	// The server's own zone is neither UTC nor the gathering's: it must not matter.
	const server = serverForSuite({ TZ: 'America/New_York' });
	let admin: Client;
	let regular: Client;
	let adminId = '';
	beforeAll(() => {
		admin = new Client(server.url);
		regular = new Client(server.url);
	});

	it('sends its first admin, registered through the form, to the setup page', async () => {
		const register = await admin.form('/register?/register', {
			name: 'Organiser',
			password: 'password123'
		});
		expect(register.status).toBe(303);
		expect(register.headers.get('location')).toBe('/admin/setup');
		adminId = ((await (await admin.fetch('/api/auth/account')).json()) as { id: string }).id;
		const page = await admin.fetch('/admin/setup', html);
		expect(page.status).toBe(200);
		const text = await page.text();
		expect(text).toContain('Set up the gathering');
		for (const field of ['name="name"', 'name="timeZone"', 'name="dayStartsAt"']) {
			expect(text).toContain(field);
		}
		expect(text).toContain('name="registration"');
		expect(text).toContain('<option value="Europe/Berlin">');
	});

	it('sends the admin back there from every admin page until it is saved; others are not sent', async () => {
		expect((await regular.register('Visitor')).status).toBe(201);
		for (const path of ['/admin', '/admin/entries', '/admin/locations', '/admin/shifts']) {
			const answer = await admin.fetch(path, html);
			expect(answer.status, path).toBe(303);
			expect(answer.headers.get('location'), path).toBe('/admin/setup');
		}
		for (const path of ['/users/audit', `/users/${adminId}`]) {
			const answer = await admin.fetch(path, html);
			expect(answer.status, path).toBe(303);
			expect(answer.headers.get('location'), path).toBe('/admin/setup');
		}
		// With JavaScript, a page's data is asked for apart: it answers the same redirect.
		const data = await admin.fetch('/admin/entries/__data.json?x-sveltekit-invalidated=11');
		expect(await data.text()).toContain('"type":"redirect","location":"/admin/setup"');
		// Pages everyone may open stay open.
		for (const path of ['/', '/users', '/account']) {
			expect((await admin.fetch(path, html)).status, path).toBe(200);
		}
		expect((await regular.fetch('/admin/setup', html)).status).toBe(403);
		const anonymous = await new Client(server.url).fetch('/admin/setup', html);
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/login?next=/admin/setup');
	});

	it('refuses a bad setup with a clear message and keeps what was typed; nothing changes', async () => {
		const head = await lastEventId(server);
		const bad = await admin.form('/admin/setup?/setup', {
			name: 'Tide Fest',
			timeZone: 'Mars/Olympus',
			dayStartsAt: '04:00',
			registration: 'invite'
		});
		expect(bad.status).toBe(400);
		const text = await bad.text();
		expect(text).toContain('timeZone must be an IANA time zone name, such as Europe/Berlin');
		expect(text).toContain('value="Tide Fest"');
		const noDay = await admin.form('/admin/setup?/setup', {
			name: 'Tide Fest',
			timeZone: 'Europe/Berlin',
			registration: 'invite'
		});
		expect(noDay.status).toBe(400);
		expect(await noDay.text()).toContain('dayStartsAt is required');
		// A regular user cannot set the gathering up, even by posting the form.
		const refused = await regular.form('/admin/setup?/setup', {
			name: 'Mine',
			timeZone: 'Europe/Berlin',
			dayStartsAt: '04:00',
			registration: 'open'
		});
		expect(refused.status).toBe(403);
		expect(await lastEventId(server)).toBe(head);
		expect(server.query('SELECT set_up_at FROM settings')).toEqual([{ set_up_at: null }]);
		expect((await admin.fetch('/admin', html)).headers.get('location')).toBe('/admin/setup');
	});

	it('saves the setup and opens the admin pages; the setup page then leads to them', async () => {
		const stream = await connectStream(server, {
			lastEventId: await lastEventId(server),
			cookie: admin.cookieHeader
		});
		try {
			const saved = await admin.form('/admin/setup?/setup', {
				name: 'Tide Fest',
				timeZone: 'europe/berlin',
				dayStartsAt: '04:00',
				registration: 'invite'
			});
			expect(saved.status).toBe(303);
			expect(saved.headers.get('location')).toBe('/admin?done=set-up');
			const settings: ApiSettings = {
				name: 'Tide Fest',
				timeZone: 'Europe/Berlin',
				registration: 'invite',
				dayStartsAt: '04:00'
			};
			expect(await (await admin.fetch('/api/settings')).json()).toEqual(settings);
			await stream.waitFor(
				() => stream.events.some((m) => m.event.type === 'settings-update'),
				'settings-update',
				30_000
			);
			const page = await admin.fetch('/admin?done=set-up', html);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('The gathering is set up.');
			for (const path of ['/admin/entries', '/users/audit', `/users/${adminId}`]) {
				expect((await admin.fetch(path, html)).status, path).toBe(200);
			}
			const again = await admin.fetch('/admin/setup', html);
			expect(again.status).toBe(303);
			expect(again.headers.get('location')).toBe('/admin');
		} finally {
			stream.close();
		}
	});
});

describe('a change of time zone', () => {
	const server = serverForSuite({ TZ: 'Asia/Tokyo' });
	let admin: Client;
	beforeAll(() => {
		admin = new Client(server.url);
	});

	async function post<T>(path: string, body: unknown): Promise<T> {
		const response = await admin.json(path, 'POST', body);
		expect(response.status, await response.clone().text()).toBe(201);
		return (await response.json()) as T;
	}

	/** The wall-clock time an instant shows in a zone, as YYYY-MM-DD HH:mm:ss. */
	const wall = (ms: number, timeZone: string) =>
		new Intl.DateTimeFormat('sv-SE', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		}).format(ms);

	it('keeps every entry and shift at the wall-clock time it was typed, and open streams follow', async () => {
		expect((await admin.register('Organiser')).status).toBe(201);
		// Entries typed before the zone was chosen: the instance still reads times in UTC.
		const night = await post<ApiEntry>('/api/entries', {
			title: 'Night set',
			start: Date.UTC(2031, 0, 10, 1, 58),
			end: Date.UTC(2031, 0, 10, 3, 0),
			visibility: 'public'
		});
		const draft = await post<ApiEntry>('/api/entries', {
			title: 'Secret guest',
			start: Date.UTC(2031, 6, 4, 20, 0),
			end: Date.UTC(2031, 6, 4, 21, 0),
			visibility: 'draft'
		});
		const shift = await post<ApiShift>('/api/shifts', {
			role: 'Door',
			start: Date.UTC(2031, 6, 4, 18, 0),
			end: Date.UTC(2031, 6, 4, 22, 0),
			needed: 2
		});
		const head = await lastEventId(server);
		const visitor = await connectStream(server, { lastEventId: head });
		const organiser = await connectStream(server, {
			lastEventId: head,
			cookie: admin.cookieHeader
		});
		try {
			const changed = await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' });
			expect(changed.status).toBe(200);

			const entries = (await (await admin.fetch('/api/entries')).json()) as ApiEntry[];
			const byId = new Map(entries.map((entry) => [entry.id, entry]));
			// 01:58 typed in UTC is 01:58 in Berlin, not 02:58.
			expect(wall(byId.get(night.id)!.start, 'Europe/Berlin')).toBe('2031-01-10 01:58:00');
			expect(wall(byId.get(night.id)!.end, 'Europe/Berlin')).toBe('2031-01-10 03:00:00');
			expect(byId.get(night.id)!.start).toBe(night.start - hour);
			expect(wall(byId.get(draft.id)!.start, 'Europe/Berlin')).toBe('2031-07-04 20:00:00');
			expect(byId.get(draft.id)!.end).toBe(draft.end - 2 * hour);
			const shifts = (await (await admin.fetch('/api/shifts')).json()) as ApiShift[];
			expect(shifts.map((s) => [s.start, s.end])).toEqual([
				[shift.start - 2 * hour, shift.end - 2 * hour]
			]);

			// Every open page hears of each moved entry it may see, then of the new zone.
			await visitor.waitFor(
				() => visitor.events.some((m) => m.event.type === 'settings-update'),
				"the visitor's settings-update",
				30_000
			);
			await organiser.waitFor(
				() => organiser.events.some((m) => m.event.type === 'settings-update'),
				"the organiser's settings-update",
				30_000
			);
			const heard = (stream: typeof visitor) =>
				stream.events.map((m) =>
					m.event.type === 'entry-update' || m.event.type === 'shift-update'
						? `${m.event.type} ${m.event.data.id} ${m.event.data.start}`
						: m.event.type
				);
			// The draft's update reaches the public as its delete, as every hidden entry's does.
			expect(heard(visitor)).toEqual([
				`entry-update ${night.id} ${night.start - hour}`,
				'entry-delete',
				'settings-update'
			]);
			expect(heard(organiser)).toEqual([
				`entry-update ${night.id} ${night.start - hour}`,
				`entry-update ${draft.id} ${draft.start - 2 * hour}`,
				`shift-update ${shift.id} ${shift.start - 2 * hour}`,
				'settings-update'
			]);

			// Back to UTC: the same wall-clock times again, nothing lost on the way.
			expect((await admin.json('/api/settings', 'PATCH', { timeZone: 'UTC' })).status).toBe(200);
			const back = (await (await admin.fetch('/api/entries')).json()) as ApiEntry[];
			expect(back.map((e) => [e.id, e.start, e.end]).sort()).toEqual(
				[night, draft].map((e) => [e.id, e.start, e.end]).sort()
			);
			// The audit trail says what moved.
			const audit = server.query<{ detail: string }>(
				"SELECT detail FROM audit WHERE action = 'settings-change' ORDER BY id"
			);
			expect(audit.at(0)?.detail).toBe(
				'timeZone: UTC to Europe/Berlin; 2 entries and 1 shift kept their wall-clock times'
			);
		} finally {
			visitor.close();
			organiser.close();
		}
	});

	it('keeps an entry its length where the new zone skips its start, so it never ends first', async () => {
		// 02:30 to 03:10 on the night Berlin's clocks jump from 02:00 to 03:00: 02:30 is read
		// as 03:30, as a typed time would be, and the entry keeps its 40 minutes.
		const entry = await post<ApiEntry>('/api/entries', {
			title: 'Across the jump',
			start: Date.UTC(2031, 2, 30, 2, 30),
			end: Date.UTC(2031, 2, 30, 3, 10),
			visibility: 'public'
		});
		expect((await admin.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' })).status).toBe(
			200
		);
		const moved = (await (await admin.fetch(`/api/entries/${entry.id}`)).json()) as ApiEntry;
		expect(wall(moved.start, 'Europe/Berlin')).toBe('2031-03-30 03:30:00');
		expect(moved.end - moved.start).toBe(40 * minute);
	});
});
