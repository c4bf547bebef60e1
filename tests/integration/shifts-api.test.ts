import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLevel, ApiEvent, ApiShift } from '../../src/lib/api';
import { Client } from '../helpers/client';
import { startServer, type TestServer } from '../helpers/server';
import { connectStream, type TestStream } from '../helpers/stream';

/*
 * Shifts over HTTP (docs/api.md): every endpoint for every access level, the events each change
 * writes and who receives them (crew and admins only), capacity and overlap on sign-up, the
 * last place raced for by real concurrent requests, and what deleting or demoting a user does.
 */

let server: TestServer;
const clients = {} as Record<AccessLevel, Client>;
const ids = {} as Record<AccessLevel, string>;
/** More crew, for the races. */
const racers: { client: Client; id: string }[] = [];

async function register(name: string): Promise<{ client: Client; id: string }> {
	const client = new Client(server.url);
	const response = await client.register(name);
	expect(response.status).toBe(201);
	return { client, id: (await response.json()).id };
}

async function makeCrew(id: string): Promise<void> {
	const response = await clients.admin.json(`/api/users/${id}`, 'PATCH', { type: 'crew' });
	expect(response.status).toBe(200);
}

beforeAll(async () => {
	server = await startServer();
	clients.admin = new Client(server.url);
	ids.admin = (await (await clients.admin.register('Organiser')).json()).id;
	clients.public = new Client(server.url);
	for (const level of ['regular', 'crew'] as const) {
		const made = await register(level === 'crew' ? 'Stagehand' : 'Visitor');
		clients[level] = made.client;
		ids[level] = made.id;
	}
	await makeCrew(ids.crew);
	for (let i = 0; i < 3; i++) {
		const made = await register(`Racer ${i}`);
		await makeCrew(made.id);
		racers.push(made);
	}
});
afterAll(() => server?.close());

const streams: TestStream[] = [];
afterEach(() => {
	for (const stream of streams.splice(0)) stream.close();
});

const levels: AccessLevel[] = ['public', 'regular', 'crew', 'admin'];
const admin = () => clients.admin;
const hour = 3_600_000;
const t0 = Date.UTC(2031, 6, 3, 10);
let slot = 0;
/** A fresh hour far from every other test's, so no two tests' shifts overlap by accident. */
const nextSlot = () => t0 + 10 * hour * slot++;

async function expectError(response: Response, status: number): Promise<string> {
	const text = await response.text();
	expect(response.status, text).toBe(status);
	const body = JSON.parse(text);
	expect(Object.keys(body)).toEqual(['message']);
	return body.message;
}

const headEventId = () =>
	server.query<{ id: number | null }>('SELECT MAX(id) AS id FROM event')[0].id ?? 0;

function eventsSince(head: number): { type: string; data: Record<string, unknown> }[] {
	return server
		.query<{ type: string; data: string }>(
			'SELECT type, data FROM event WHERE id > ? ORDER BY id',
			head
		)
		.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}

async function newShift(fields: Partial<ApiShift> = {}): Promise<ApiShift> {
	const start = fields.start ?? nextSlot();
	const response = await admin().json('/api/shifts', 'POST', {
		role: 'Bar',
		start,
		end: start + 2 * hour,
		needed: 2,
		...fields
	});
	expect(response.status, await response.clone().text()).toBe(201);
	return response.json();
}

const signup = (client: Client, id: string, method: 'POST' | 'DELETE' = 'POST') =>
	client.fetch(`/api/shifts/${id}/signup`, { method });

async function streamFor(level: AccessLevel): Promise<TestStream> {
	const stream = await connectStream(server, {
		lastEventId: headEventId(),
		cookie: clients[level].cookieHeader || undefined
	});
	streams.push(stream);
	return stream;
}

describe('reading shifts', () => {
	it('crew and admins list and read shifts; the public gets 401 and regular users 403', async () => {
		const shift = await newShift({ notes: 'Aprons in the back' });
		for (const level of levels) {
			const list = await clients[level].fetch('/api/shifts');
			const one = await clients[level].fetch(`/api/shifts/${shift.id}`);
			if (level === 'crew' || level === 'admin') {
				expect(list.status).toBe(200);
				expect(await list.json()).toContainEqual(shift);
				expect(await one.json()).toEqual(shift);
			} else {
				const status = level === 'public' ? 401 : 403;
				await expectError(list, status);
				await expectError(one, status);
			}
		}
		await expectError(await clients.crew.fetch('/api/shifts/no-such-shift'), 404);
		// The regular user is told the same for a shift that exists and one that does not.
		await expectError(await clients.regular.fetch('/api/shifts/no-such-shift'), 403);
	});

	it('GET /api/shifts is in time order', async () => {
		const late = await newShift({ start: t0 + 1000 * hour, role: 'Late' });
		const early = await newShift({ start: t0 - 1000 * hour, role: 'Early' });
		const list = (await (await clients.crew.fetch('/api/shifts')).json()) as ApiShift[];
		expect(list[0].id).toBe(early.id);
		expect(list.at(-1)!.id).toBe(late.id);
		const starts = list.map((s) => s.start);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
	});
});

describe('admins edit shifts', () => {
	it('create, edit and delete, each with its event; the answer is the shift whole', async () => {
		const head = headEventId();
		const start = nextSlot();
		const shift = await newShift({ start, crewIds: [ids.crew], notes: 'n' });
		expect(shift).toEqual({
			id: expect.any(String),
			role: 'Bar',
			locationId: null,
			start,
			end: start + 2 * hour,
			needed: 2,
			crewIds: [ids.crew],
			notes: 'n'
		});
		const patched = await admin().json(`/api/shifts/${shift.id}`, 'PATCH', {
			role: 'Door',
			needed: 3,
			crewIds: [ids.crew, racers[0].id]
		});
		expect(await patched.json()).toEqual({
			...shift,
			role: 'Door',
			needed: 3,
			crewIds: [ids.crew, racers[0].id]
		});
		expect((await admin().fetch(`/api/shifts/${shift.id}`, { method: 'DELETE' })).status).toBe(204);
		expect(eventsSince(head).map((e) => [e.type, e.data.id])).toEqual([
			['shift-update', shift.id],
			['shift-update', shift.id],
			['shift-delete', shift.id]
		]);
		await expectError(await admin().fetch(`/api/shifts/${shift.id}`), 404);
		await expectError(await admin().fetch(`/api/shifts/${shift.id}`, { method: 'DELETE' }), 404);
		await expectError(await admin().json(`/api/shifts/${shift.id}`, 'PATCH', { role: 'x' }), 404);
	});

	it('only admins edit: 401 for the public, 403 for regular and crew, nothing written', async () => {
		const shift = await newShift();
		const head = headEventId();
		for (const [level, status] of [
			['public', 401],
			['regular', 403],
			['crew', 403]
		] as const) {
			const c = clients[level];
			await expectError(
				await c.json('/api/shifts', 'POST', { role: 'x', start: t0, end: t0 + hour, needed: 1 }),
				status
			);
			await expectError(await c.json(`/api/shifts/${shift.id}`, 'PATCH', { needed: 1 }), status);
			await expectError(await c.fetch(`/api/shifts/${shift.id}`, { method: 'DELETE' }), status);
		}
		expect(headEventId()).toBe(head);
	});

	it('bad input is a 400 naming the problem; capacity conflicts are 409; nothing is half written', async () => {
		const shift = await newShift({ needed: 2, crewIds: [ids.crew, racers[0].id] });
		const head = headEventId();
		const post = (body: Record<string, unknown>) =>
			admin().json('/api/shifts', 'POST', {
				role: 'ok',
				start: t0,
				end: t0 + hour,
				needed: 1,
				...body
			});
		expect(await expectError(await post({ role: undefined }), 400)).toBe('role is required');
		expect(await expectError(await post({ needed: 0 }), 400)).toMatch(/needed/);
		expect(await expectError(await post({ needed: 2.5 }), 400)).toMatch(/needed/);
		expect(await expectError(await post({ end: t0 }), 400)).toBe('end must be after start');
		expect(await expectError(await post({ locationId: 'nowhere' }), 400)).toBe(
			'locationId names no location'
		);
		expect(await expectError(await post({ crewIds: [ids.regular] }), 400)).toBe(
			'crewIds names Visitor, who is not crew'
		);
		expect(await expectError(await post({ crewIds: ['nobody'] }), 400)).toMatch(/names no user/);
		expect(await expectError(await post({ crewIds: [ids.crew, ids.crew] }), 400)).toMatch(/twice/);
		expect(await expectError(await post({ crewIds: [ids.crew, ids.admin] }), 409)).toBe(
			'2 crew for 1 place: the shift would be over capacity'
		);
		expect(await expectError(await post({ extra: 1 }), 400)).toBe('unknown field: extra');
		const patch = (body: unknown) => admin().json(`/api/shifts/${shift.id}`, 'PATCH', body);
		expect(await expectError(await patch({}), 400)).toMatch(/nothing to change/);
		expect(await expectError(await patch({ needed: 1 }), 409)).toMatch(/over capacity/);
		expect(await expectError(await patch({ end: shift.start }), 400)).toBe(
			'end must be after start'
		);
		expect(
			await expectError(await patch({ crewIds: [ids.crew, racers[0].id, racers[1].id] }), 409)
		).toMatch(/3 crew for 2 places/);
		expect(eventsSince(head)).toEqual([]);
		expect((await (await admin().fetch(`/api/shifts/${shift.id}`)).json()).crewIds).toEqual([
			ids.crew,
			racers[0].id
		]);
	});

	it('an admin may put crew on overlapping shifts (the admin page marks it)', async () => {
		const start = nextSlot();
		const a = await newShift({ start, crewIds: [ids.crew] });
		const b = await newShift({ start: start + hour, crewIds: [ids.crew] });
		expect(b.crewIds).toEqual([ids.crew]);
		expect(
			(await admin().json(`/api/shifts/${a.id}`, 'PATCH', { start: start + hour })).status
		).toBe(200);
	});

	it('a location used by a shift cannot be deleted: 409, until the shift moves', async () => {
		const location = await (await admin().json('/api/locations', 'POST', { name: 'Gate' })).json();
		const shift = await newShift({ locationId: location.id });
		expect(
			await expectError(
				await admin().fetch(`/api/locations/${location.id}`, { method: 'DELETE' }),
				409
			)
		).toBe('1 shift uses this location: move or delete it first');
		await admin().json(`/api/shifts/${shift.id}`, 'PATCH', { locationId: null });
		expect(
			(await admin().fetch(`/api/locations/${location.id}`, { method: 'DELETE' })).status
		).toBe(204);
	});
});

describe('signing up', () => {
	it('crew take and leave a place; repeating either changes nothing; the public gets 401, regular users 403', async () => {
		const shift = await newShift({ needed: 2 });
		await expectError(await signup(clients.public, shift.id), 401);
		await expectError(await signup(clients.regular, shift.id), 403);
		await expectError(await signup(clients.regular, shift.id, 'DELETE'), 403);
		const head = headEventId();
		const taken = await signup(clients.crew, shift.id);
		expect(taken.status).toBe(200);
		expect((await taken.json()).crewIds).toEqual([ids.crew]);
		expect((await (await signup(clients.crew, shift.id)).json()).crewIds).toEqual([ids.crew]);
		// An admin may take a place too.
		expect((await (await signup(admin(), shift.id)).json()).crewIds).toEqual([ids.crew, ids.admin]);
		const left = await signup(clients.crew, shift.id, 'DELETE');
		expect((await left.json()).crewIds).toEqual([ids.admin]);
		expect((await signup(clients.crew, shift.id, 'DELETE')).status).toBe(200);
		expect(eventsSince(head).map((e) => [e.type, e.data.crewIds])).toEqual([
			['shift-update', [ids.crew]],
			['shift-update', [ids.crew, ids.admin]],
			['shift-update', [ids.admin]]
		]);
		await expectError(await signup(clients.crew, 'no-such-shift'), 404);
	});

	it('a full shift and one overlapping a shift the caller holds are 409 with a clear message', async () => {
		const start = nextSlot();
		const full = await newShift({ start, needed: 1, crewIds: [racers[0].id] });
		expect(await expectError(await signup(clients.crew, full.id), 409)).toBe(
			'this shift is full: every place has been taken'
		);
		const held = await newShift({ start: start + 3 * hour, role: 'Cloakroom' });
		const clash = await newShift({ start: start + 4 * hour, role: 'Door' });
		const touching = await newShift({ start: start + 5 * hour, role: 'Stage' });
		expect((await signup(clients.crew, held.id)).status).toBe(200);
		expect(await expectError(await signup(clients.crew, clash.id), 409)).toMatch(
			/^this shift overlaps Cloakroom \(\d\d:\d\d–\d\d:\d\d\), which you hold: leave that one first$/
		);
		// One that starts as the held one ends is no clash.
		expect((await signup(clients.crew, touching.id)).status).toBe(200);
	});

	it('a shift that is over takes and gives back no places', async () => {
		const past = Date.UTC(2020, 0, 1, 10);
		const shift = await newShift({ start: past, crewIds: [ids.crew] });
		expect(await expectError(await signup(racers[0].client, shift.id), 409)).toMatch(/is over/);
		expect(await expectError(await signup(clients.crew, shift.id, 'DELETE'), 409)).toMatch(
			/is over/
		);
	});

	it('two crew taking the last place at once: exactly one gets it, the other 409 (50 races)', async () => {
		const [a, b] = racers;
		for (let round = 0; round < 50; round++) {
			const shift = await newShift({ needed: 1 });
			// Both requests are sent before either is answered.
			const answers = await Promise.all([signup(a.client, shift.id), signup(b.client, shift.id)]);
			const statuses = answers.map((r) => r.status).sort();
			expect(statuses, `round ${round}`).toEqual([200, 409]);
			const loser = answers.find((r) => r.status === 409)!;
			expect((await loser.json()).message).toBe('this shift is full: every place has been taken');
			const winner = answers.find((r) => r.status === 200)!;
			const rows = server.query<{ user_id: string }>(
				'SELECT user_id FROM shift_crew WHERE shift_id = ?',
				shift.id
			);
			expect(rows.map((r) => r.user_id)).toEqual((await winner.json()).crewIds);
		}
	});

	it('three crew racing for two places, twenty times: two get one each, never more', async () => {
		for (let round = 0; round < 20; round++) {
			const shift = await newShift({ needed: 2 });
			const answers = await Promise.all(racers.map((r) => signup(r.client, shift.id)));
			expect(answers.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 200, 409]);
			expect(server.query('SELECT 1 FROM shift_crew WHERE shift_id = ?', shift.id)).toHaveLength(2);
		}
	});
});

describe('a sign-up storm', () => {
	it('60 crew asking for 2 shifts each at once, 40 places: no shift over capacity, none lost or made up', async () => {
		const crew = await Promise.all(
			Array.from({ length: 60 }, async (_, i) => {
				const made = await register(`Storm ${i}`);
				await makeCrew(made.id);
				return made;
			})
		);
		// An hour apart and an hour long: no overlaps, so every refusal is a full shift.
		const base = nextSlot();
		const shifts = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				newShift({ start: base + i * hour, end: base + (i + 1) * hour, needed: 2 })
			)
		);
		const asks = crew.flatMap((member, i) =>
			[shifts[i % 20], shifts[(i * 7 + 3) % 20]].map((shift) => ({ member, shift }))
		);
		const answers = await Promise.all(
			asks.map(async (ask) => ({ ...ask, response: await signup(ask.member.client, ask.shift.id) }))
		);
		const granted = answers.filter((a) => a.response.status === 200);
		expect(answers.filter((a) => a.response.status !== 200 && a.response.status !== 409)).toEqual(
			[]
		);
		const rows = server.query<{ shift_id: string; user_id: string }>(
			`SELECT shift_id, user_id FROM shift_crew WHERE shift_id IN (${shifts.map(() => '?').join(', ')})`,
			...shifts.map((s) => s.id)
		);
		const key = (shiftId: string, userId: string) => `${shiftId} ${userId}`;
		expect(new Set(rows.map((r) => key(r.shift_id, r.user_id)))).toEqual(
			new Set(granted.map((a) => key(a.shift.id, a.member.id)))
		);
		for (const shift of shifts) {
			expect(rows.filter((r) => r.shift_id === shift.id).length).toBeLessThanOrEqual(2);
		}
		// Six asks for every shift's two places: each is full.
		expect(rows.length).toBe(40);
	});
});

describe('who hears of shifts', () => {
	const shiftEvents = (stream: TestStream) =>
		stream.events
			.map((m) => m.event)
			.filter(
				(e): e is Extract<ApiEvent, { type: 'shift-update' | 'shift-delete' }> =>
					e.type === 'shift-update' || e.type === 'shift-delete'
			);

	it('crew and admin streams receive every shift change; public and regular streams none, live or replayed', async () => {
		const from = headEventId();
		const open = Object.fromEntries(
			await Promise.all(levels.map(async (level) => [level, await streamFor(level)] as const))
		) as Record<AccessLevel, TestStream>;
		const shift = await newShift({ needed: 1 });
		await signup(clients.crew, shift.id);
		await admin().fetch(`/api/shifts/${shift.id}`, { method: 'DELETE' });
		// A public event after them: once every stream has it, each has all it will get.
		await admin().json('/api/locations', 'POST', { name: 'Marker' });
		const head = headEventId();
		await Promise.all(levels.map((level) => open[level].waitForEvent(head)));
		const expected = [
			{ type: 'shift-update', data: shift },
			{ type: 'shift-update', data: { ...shift, crewIds: [ids.crew] } },
			{ type: 'shift-delete', data: { id: shift.id } }
		];
		expect(shiftEvents(open.crew)).toEqual(expected);
		expect(shiftEvents(open.admin)).toEqual(expected);
		expect(shiftEvents(open.public)).toEqual([]);
		expect(shiftEvents(open.regular)).toEqual([]);
		// Replay from before: the same cut.
		for (const level of levels) {
			const replay = await connectStream(server, {
				lastEventId: from,
				cookie: clients[level].cookieHeader || undefined
			});
			streams.push(replay);
			await replay.waitForEvent(head);
			expect(shiftEvents(replay).length, level).toBe(level === 'crew' || level === 'admin' ? 3 : 0);
		}
	});
});

describe('users who leave or stop being crew', () => {
	it('a crew member made regular is taken off upcoming and running shifts, once confirmed; the ones they worked stay', async () => {
		const { client, id } = await register('Sam');
		await makeCrew(id);
		const now = Date.now();
		const worked = await newShift({ start: now - 5 * hour, end: now - 3 * hour, crewIds: [id] });
		const running = await newShift({ start: now - hour, end: now + hour, crewIds: [id] });
		const first = await newShift();
		const second = await newShift();
		expect((await signup(client, first.id)).status).toBe(200);
		await admin().json(`/api/shifts/${second.id}`, 'PATCH', { crewIds: [id, ids.crew] });
		const held = () =>
			server.query<{ shift_id: string }>(
				'SELECT shift_id FROM shift_crew WHERE user_id = ? ORDER BY shift_id',
				id
			);
		const before = held();

		// Asked without confirming: the count, and nothing changed.
		let head = headEventId();
		const asked = await admin().json(`/api/users/${id}`, 'PATCH', { type: 'regular' });
		expect(asked.status).toBe(409);
		expect(await asked.json()).toEqual({
			message:
				'making Sam regular removes them from 3 upcoming shifts: send removeFromShifts: true to go ahead',
			upcomingShifts: 3
		});
		expect(eventsSince(head)).toEqual([]);
		expect(held()).toEqual(before);
		expect((await (await admin().fetch(`/api/users/${id}`)).json()).type).toBe('crew');
		expect(
			(
				await admin().json(`/api/users/${id}`, 'PATCH', {
					type: 'regular',
					removeFromShifts: 'yes'
				})
			).status
		).toBe(400);

		const crewStream = await streamFor('crew');
		head = headEventId();
		const confirmed = await admin().json(`/api/users/${id}`, 'PATCH', {
			type: 'regular',
			removeFromShifts: true
		});
		expect(confirmed.status).toBe(200);
		// Only the shifts not over send an event: the worked one is not touched.
		expect(eventsSince(head).map((e) => [e.type, e.data.id, e.data.crewIds])).toEqual([
			['shift-update', running.id, []],
			['shift-update', first.id, []],
			['shift-update', second.id, [ids.crew]],
			['user-update', id, undefined]
		]);
		await crewStream.waitForEvent(headEventId());
		expect(held()).toEqual([{ shift_id: worked.id }]);
		const audit = server.query<{ detail: string }>(
			"SELECT detail FROM audit WHERE action = 'user-type' ORDER BY id DESC LIMIT 1"
		);
		expect(audit[0].detail).toBe('crew to regular, removed from 3 upcoming shifts');

		// Made crew again, they find the shift they worked, and nothing else came back.
		await makeCrew(id);
		const mine = ((await (await client.fetch('/api/shifts')).json()) as ApiShift[]).filter(
			(shift) => shift.crewIds.includes(id)
		);
		expect(mine.map((shift) => shift.id)).toEqual([worked.id]);

		// With only worked shifts left, no question is asked.
		expect((await admin().json(`/api/users/${id}`, 'PATCH', { type: 'regular' })).status).toBe(200);
		expect(held()).toEqual([{ shift_id: worked.id }]);

		// Admin to crew keeps the shifts: crew hold shifts too.
		const keeper = await register('Admin then crew');
		await admin().json(`/api/users/${keeper.id}`, 'PATCH', { type: 'admin' });
		const kept = await newShift({ crewIds: [keeper.id] });
		await admin().json(`/api/users/${keeper.id}`, 'PATCH', { type: 'crew' });
		expect((await (await admin().fetch(`/api/shifts/${kept.id}`)).json()).crewIds).toEqual([
			keeper.id
		]);
	});

	it('a deleted user is taken off their shifts, with the events, in the same change as the delete', async () => {
		const { id } = await register('Leaving crew');
		await makeCrew(id);
		const shift = await newShift({ crewIds: [id, ids.crew] });
		const head = headEventId();
		expect((await admin().fetch(`/api/users/${id}`, { method: 'DELETE' })).status).toBe(204);
		expect(eventsSince(head).map((e) => [e.type, e.data.id, e.data.crewIds])).toEqual([
			['shift-update', shift.id, [ids.crew]],
			['user-delete', id, undefined]
		]);
	});
});
