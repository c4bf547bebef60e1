import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAuditRecord, ApiEntry, ApiLocation, ApiShift, ApiUser } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';

/*
 * The audit trail answers "who moved this talk, and when" (issue 21, point 5): every admin
 * change of entries, locations, shifts and settings, and every reset link made or revoked, is
 * recorded in the change's own transaction with its actor and what changed (old → new), the
 * audit page shows one entry's history, and the rows of one entry are bounded.
 */

let server: TestServer;
let organiser: Client;
let organiserId: string;
let helper: Client;
let helperId: string;
const t0 = Date.UTC(2031, 6, 4, 10);
const hour = 3_600_000;

beforeAll(async () => {
	server = await startServer();
	organiser = new Client(server.url);
	organiserId = ((await (await organiser.register('Organiser')).json()) as ApiUser).id;
	helper = new Client(server.url);
	helperId = ((await (await helper.register('Helper')).json()) as ApiUser).id;
	expect((await organiser.json(`/api/users/${helperId}`, 'PATCH', { type: 'admin' })).status).toBe(
		200
	);
	// The gathering's zone, so the page's times can be checked.
	expect(
		(await organiser.json('/api/settings', 'PATCH', { timeZone: 'Europe/Berlin' })).status
	).toBe(200);
});
afterAll(() => server?.close());

async function trail(query: string): Promise<ApiAuditRecord[]> {
	const response = await organiser.fetch(`/api/audit?${query}`);
	expect(response.status, await response.clone().text()).toBe(200);
	return response.json();
}

async function ok<T>(response: Promise<Response>, status = 200): Promise<T> {
	const answer = await response;
	expect(answer.status, await answer.clone().text()).toBe(status);
	return status === 204 ? (undefined as T) : answer.json();
}

const location = (client: Client, name: string) =>
	ok<ApiLocation>(client.json('/api/locations', 'POST', { name }), 201);

describe('the audit trail of the schedule', () => {
	it('tells who moved a talk, when, from where and what time to what', async () => {
		const hallA = await location(organiser, 'Hall A');
		const hallB = await location(organiser, 'Hall B');
		const talk = await ok<ApiEntry>(
			organiser.json('/api/entries', 'POST', {
				title: 'Tides and moons',
				start: t0,
				end: t0 + hour,
				locationId: hallA.id
			}),
			201
		);
		const before = Date.now();
		// The helper moves it an hour on and into Hall B, and rewrites its description.
		await ok(
			helper.json(`/api/entries/${talk.id}`, 'PATCH', {
				start: t0 + hour,
				end: t0 + 2 * hour,
				locationId: hallB.id,
				description: 'a long text that the trail tells of without copying'
			})
		);
		await ok(helper.json(`/api/entries/${talk.id}`, 'PATCH', { visibility: 'public' }));
		await ok(organiser.json(`/api/entries/${talk.id}`, 'PATCH', { title: 'Tides' }));
		// A refused edit leaves no row: it is written in the change's own transaction.
		expect((await helper.json(`/api/entries/${talk.id}`, 'PATCH', { end: t0 - hour })).status).toBe(
			400
		);

		const history = await trail(`target=${talk.id}`);
		expect(history.map((record) => [record.action, record.actorName])).toEqual([
			['entry-edit', 'Organiser'],
			['entry-visibility', 'Helper'],
			['entry-edit', 'Helper'],
			['entry-create', 'Organiser']
		]);
		const moved = history[2];
		expect(moved.actorId).toBe(helperId);
		expect(moved.targetName).toBe('Tides and moons');
		expect(moved.at).toBeGreaterThanOrEqual(before);
		expect(moved.changes).toEqual([
			{ field: 'start', from: t0, to: t0 + hour },
			{ field: 'end', from: t0 + hour, to: t0 + 2 * hour },
			{ field: 'location', from: 'Hall A', to: 'Hall B' },
			{ field: 'description' }
		]);
		expect(history[1].changes).toEqual([{ field: 'visibility', from: 'draft', to: 'public' }]);
		expect(history[0].changes).toEqual([{ field: 'title', from: 'Tides and moons', to: 'Tides' }]);
		expect(history[3].changes).toContainEqual({ field: 'location', to: 'Hall A' });

		// The page answers it too, without JavaScript: the entry's history, in the gathering's zone.
		const html = (
			await (
				await organiser.fetch(`/users/audit?target=${talk.id}`, {
					headers: { accept: 'text/html' }
				})
			).text()
		).replace(/<!--.*?-->/g, '');
		expect(html).toContain('data-testid="audit-target"');
		expect(html).toMatch(/Everything done to <bdi class="name[^"]*">Tides<\/bdi>/);
		expect(html).toContain('Helper');
		// 10:00 UTC is 12:00 in Berlin in July.
		expect(html).toMatch(/Fri 4 Jul, 12:00<\/time>\s*→\s*<time[^>]*>Fri 4 Jul, 13:00/);
		expect(html).toMatch(/<q[^>]*><bdi>Hall A<\/bdi><\/q>\s*→\s*<q[^>]*><bdi>Hall B<\/bdi><\/q>/);

		await ok(helper.json(`/api/entries/${talk.id}`, 'DELETE'), 204);
		const [deleted] = await trail(`target=${talk.id}&limit=1`);
		expect(deleted).toMatchObject({ action: 'entry-delete', actorName: 'Helper' });
		expect(deleted.changes).toContainEqual({ field: 'title', from: 'Tides' });
	});

	it('an entry saved with the admin page form is recorded as well', async () => {
		const made = await organiser.form('/admin/entries?/save', {
			title: 'Form talk',
			locationId: '',
			visibility: 'draft',
			start: '2031-07-04T12:00',
			end: '2031-07-04T13:00',
			description: '',
			crewNotes: ''
		});
		expect(made.status).toBe(200);
		const [created] = await trail('action=entry-create&limit=1');
		expect(created).toMatchObject({ actorName: 'Organiser', targetName: 'Form talk' });
		// Noon in Berlin is 10:00 UTC.
		expect(created.changes).toContainEqual({ field: 'start', to: t0 });
		const hidden = await helper.form('/admin/entries?/visibility', {
			id: created.targetId!,
			visibility: 'crew'
		});
		expect(hidden.status).toBe(200);
		const [visibility] = await trail(`target=${created.targetId}&limit=1`);
		expect(visibility).toMatchObject({ action: 'entry-visibility', actorName: 'Helper' });
		expect(visibility.changes).toEqual([{ field: 'visibility', from: 'draft', to: 'crew' }]);
	});

	it('records locations made, renamed and deleted', async () => {
		const stage = await location(helper, 'Stage');
		await ok(organiser.json(`/api/locations/${stage.id}`, 'PATCH', { name: 'Main stage' }));
		await ok(helper.json(`/api/locations/${stage.id}`, 'DELETE'), 204);
		const history = await trail(`target=${stage.id}`);
		expect(history.map((record) => [record.action, record.actorName, record.changes?.[0]])).toEqual(
			[
				['location-delete', 'Helper', { field: 'name', from: 'Main stage' }],
				['location-edit', 'Organiser', { field: 'name', from: 'Stage', to: 'Main stage' }],
				['location-create', 'Helper', { field: 'name', to: 'Stage' }]
			]
		);
	});

	it('records shifts made, moved, staffed and deleted, with who was put on', async () => {
		const crew = new Client(server.url);
		const crewId = ((await (await crew.register('Stagehand')).json()) as ApiUser).id;
		await ok(organiser.json(`/api/users/${crewId}`, 'PATCH', { type: 'crew' }));
		const shift = await ok<ApiShift>(
			organiser.json('/api/shifts', 'POST', { role: 'Door', start: t0, end: t0 + hour, needed: 2 }),
			201
		);
		await ok(
			helper.json(`/api/shifts/${shift.id}`, 'PATCH', { start: t0 + hour, end: t0 + 2 * hour })
		);
		await ok(helper.json(`/api/shifts/${shift.id}`, 'PATCH', { crewIds: [crewId] }));
		await ok(organiser.json(`/api/shifts/${shift.id}`, 'DELETE'), 204);
		const history = await trail(`target=${shift.id}`);
		expect(history.map((record) => [record.action, record.actorName])).toEqual([
			['shift-delete', 'Organiser'],
			['shift-edit', 'Helper'],
			['shift-edit', 'Helper'],
			['shift-create', 'Organiser']
		]);
		expect(history[1].changes).toEqual([{ field: 'crew added', to: 'Stagehand' }]);
		expect(history[2].changes).toEqual([
			{ field: 'start', from: t0, to: t0 + hour },
			{ field: 'end', from: t0 + hour, to: t0 + 2 * hour }
		]);
		expect(history[0].changes).toContainEqual({ field: 'crew', from: 'Stagehand' });
	});

	it('records settings changes and reset links made and revoked, with their actor', async () => {
		await ok(helper.json('/api/settings', 'PATCH', { registration: 'closed' }));
		const [settings] = await trail('action=settings-change&limit=1');
		expect(settings).toMatchObject({ actorId: helperId, detail: 'registration: open to closed' });

		const link = await ok<{ id: string }>(
			helper.json(`/api/users/${organiserId}/password-reset`, 'POST', { expiresInHours: 1 }),
			201
		);
		await ok(organiser.json(`/api/users/${organiserId}/password-reset/${link.id}`, 'DELETE'), 204);
		const [revoked, made] = await trail(`target=${organiserId}&limit=2`);
		expect(made).toMatchObject({ action: 'password-reset-create', actorName: 'Helper' });
		expect(made.detail).toContain(link.id);
		expect(revoked).toMatchObject({
			action: 'password-reset-revoke',
			actorName: 'Organiser',
			detail: link.id
		});
	});

	it('keeps at most 200 rows of one entry, the newest, whatever else the trail holds', async () => {
		const entry = await ok<ApiEntry>(
			organiser.json('/api/entries', 'POST', { title: 'Busy', start: t0, end: t0 + hour }),
			201
		);
		server.write(
			`INSERT INTO audit (at, actor_id, actor_name, action, target_id, target_name, detail)
				VALUES (?, ?, 'Organiser', 'entry-edit', ?, 'Busy', '')`,
			...Array.from({ length: 250 }, () => [Date.now(), organiserId, entry.id])
		);
		const others = server.query<{ n: number }>(
			'SELECT COUNT(*) AS n FROM audit WHERE target_id <> ? OR target_id IS NULL',
			entry.id
		)[0].n;
		await ok(organiser.json(`/api/entries/${entry.id}`, 'PATCH', { title: 'Busier' }));
		const rows = server.query<{ n: number }>(
			'SELECT COUNT(*) AS n FROM audit WHERE target_id = ?',
			entry.id
		)[0].n;
		expect(rows).toBe(200);
		const [newest] = await trail(`target=${entry.id}&limit=1`);
		expect(newest.changes).toEqual([{ field: 'title', from: 'Busy', to: 'Busier' }]);
		expect(
			server.query<{ n: number }>(
				'SELECT COUNT(*) AS n FROM audit WHERE target_id <> ? OR target_id IS NULL',
				entry.id
			)[0].n
		).toBe(others);
	});
});
