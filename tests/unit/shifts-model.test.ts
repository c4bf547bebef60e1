import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiShift, UserType } from '$lib/api';
import { applyShiftEvent } from '$lib/client/stores/shifts';
import { compareShifts, decideLeave, decideSignup, overlaps } from '$lib/schedule/shift-rules';
import { createSession } from '$lib/server/auth/session-start';
import { modelRuns, readRecords, resetStorage, rowsNow, subscribeEvents } from '../helpers/storage';
import { change, closeStorage } from '$lib/server/storage';
import { projectEvent } from '$lib/server/stream/projection';
import type { StoredEvent } from '$lib/server/events/stored-event';
import { Refusal } from '$lib/server/refusal';
import {
	assignCrew,
	createShift,
	deleteShift,
	unassignCrew,
	updateShift
} from '$lib/server/shifts/shifts';
import { leaveShift, takeShift } from '$lib/server/shifts/signup';
import { visibleShifts } from '$lib/server/shifts/visible-shifts';
import type { ServerSession } from '$lib/server/types';
import { changeUser } from '$lib/server/users/manage-users';
import { newRecordId as generateUserId } from '$lib/server/record-id';

/*
 * The shift rules driven through the real store with generated sequences of what admins and
 * crew do. A model applies the same sequence by the contract's rules (capacity, overlap on
 * sign-up, a confirmed demotion leaves shifts); after every step the database must equal the model, no
 * shift may be over capacity (asked of SQL directly), and an open page of each level, applying
 * the events projected for it, must equal what GET /api/shifts answers that level.
 */

const hour = 3_600_000;
// Far ahead, so no generated shift is ever over.
const base = Date.UTC(2031, 6, 4, 6);
const crewCount = 4;

type Step =
	| { kind: 'create'; start: number; length: number; needed: number }
	| { kind: 'take' | 'leave' | 'assign' | 'unassign'; crew: number; shift: number }
	| { kind: 'needed'; shift: number; needed: number }
	| { kind: 'move'; shift: number; start: number }
	| { kind: 'delete'; shift: number }
	| { kind: 'retype'; crew: number; type: UserType; confirm: boolean };

const crew = fc.nat(crewCount - 1);
const create = fc.record({
	kind: fc.constant('create' as const),
	start: fc.nat(10),
	length: fc.integer({ min: 1, max: 4 }),
	needed: fc.integer({ min: 1, max: 3 })
});
const signup = (kind: 'take' | 'leave') =>
	fc.record({ kind: fc.constant(kind), crew, shift: fc.nat() });
const crewSteps: fc.Arbitrary<Step> = fc.oneof(
	{ arbitrary: create, weight: 2 },
	{ arbitrary: signup('take'), weight: 5 },
	{ arbitrary: signup('leave'), weight: 2 }
);
const everyStep: fc.Arbitrary<Step> = fc.oneof(
	{ arbitrary: crewSteps, weight: 6 },
	fc.record({
		kind: fc.constantFrom('assign' as const, 'unassign' as const),
		crew,
		shift: fc.nat()
	}),
	fc.record({
		kind: fc.constant('needed' as const),
		shift: fc.nat(),
		needed: fc.integer({ min: 1, max: 3 })
	}),
	fc.record({ kind: fc.constant('move' as const), shift: fc.nat(), start: fc.nat(10) }),
	fc.record({ kind: fc.constant('delete' as const), shift: fc.nat() }),
	fc.record({
		kind: fc.constant('retype' as const),
		crew,
		type: fc.constantFrom<UserType>('regular', 'crew'),
		confirm: fc.boolean()
	})
);

/** A sequence that starts with a shift or two, so the steps after it have something to act on. */
const sequence = (steps: fc.Arbitrary<Step>) =>
	fc
		.tuple(
			fc.array(create, { minLength: 1, maxLength: 3 }),
			fc.array(steps, { maxLength: 30, size: 'max' })
		)
		.map(([first, rest]) => [...first, ...rest]);

let admin: ServerSession;
let crewSessions: ServerSession[] = [];
let heard: StoredEvent[] = [];
let stop = () => {};

async function addUser(name: string, type: UserType): Promise<ServerSession> {
	return await change(async (tx) => {
		const id = generateUserId();
		await tx.users.insert({ id, name, type, createdAt: tx.now, lastSeenAt: tx.now }, 'x');
		return (await createSession(tx, { userId: id, userAgent: 'model' })).session;
	});
}

beforeAll(async () => {
	await resetStorage();
	stop = subscribeEvents((event) => heard.push(event));
	admin = await addUser('Model admin', 'admin');
	crewSessions = [];
	for (let i = 0; i < crewCount; i++) crewSessions.push(await addUser(`Crew ${i}`, 'crew'));
});
afterAll(async () => {
	stop();
	await closeStorage();
});

/** The status a use case answered: 200 when it did not refuse. */
async function statusOf(act: () => unknown): Promise<number> {
	try {
		await act();
		return 200;
	} catch (error) {
		if (error instanceof Refusal) return error.status;
		throw error;
	}
}

interface Model {
	shifts: ApiShift[];
	types: Map<string, UserType>;
}

/** What the contract says the step does to the model, and the status it answers. */
function expected(model: Model, step: Step, ids: string[], now: number): number {
	const shift =
		'shift' in step ? model.shifts.find((s) => s.id === ids[step.shift % ids.length]) : undefined;
	const userId = 'crew' in step ? crewSessions[step.crew].userId : '';
	const isCrew = model.types.get(userId) === 'crew';
	switch (step.kind) {
		case 'create':
			return 201;
		case 'take': {
			if (!isCrew) return 403;
			const held = model.shifts.filter((s) => s.crewIds.includes(userId));
			const decision = decideSignup(shift!, held, userId, now);
			if (decision.kind === 'full' || decision.kind === 'overlap') return 409;
			if (decision.kind === 'take') shift!.crewIds = [...shift!.crewIds, userId];
			return 200;
		}
		case 'leave':
			if (!isCrew) return 403;
			if (decideLeave(shift!, userId, now) === 'leave') {
				shift!.crewIds = shift!.crewIds.filter((id) => id !== userId);
			}
			return 200;
		case 'assign':
			if (shift!.crewIds.includes(userId)) return 200;
			if (!isCrew) return 400;
			if (shift!.crewIds.length >= shift!.needed) return 409;
			shift!.crewIds = [...shift!.crewIds, userId];
			return 200;
		case 'unassign':
			shift!.crewIds = shift!.crewIds.filter((id) => id !== userId);
			return 200;
		case 'needed':
			if (shift!.crewIds.length > step.needed) return 409;
			shift!.needed = step.needed;
			return 200;
		case 'move': {
			const length = shift!.end - shift!.start;
			shift!.start = base + step.start * hour;
			shift!.end = shift!.start + length;
			return 200;
		}
		case 'delete':
			model.shifts = model.shifts.filter((s) => s !== shift);
			return 200;
		case 'retype':
			if (model.types.get(userId) !== 'regular' && step.type === 'regular') {
				// Every generated shift is upcoming: leaving them must be confirmed.
				const held = model.shifts.filter((s) => s.crewIds.includes(userId));
				if (held.length && !step.confirm) return 409;
				for (const s of held) s.crewIds = s.crewIds.filter((id) => id !== userId);
			}
			model.types.set(userId, step.type);
			return 200;
	}
}

async function act(step: Step, ids: string[]): Promise<number> {
	const id = 'shift' in step ? ids[step.shift % ids.length] : '';
	const actor = 'crew' in step ? crewSessions[step.crew] : admin;
	switch (step.kind) {
		case 'create':
			await createShift(admin, {
				role: 'duty',
				start: base + step.start * hour,
				end: base + (step.start + step.length) * hour,
				needed: step.needed
			});
			return 201;
		case 'take':
			return await statusOf(() => takeShift(actor, id));
		case 'leave':
			return await statusOf(() => leaveShift(actor, id));
		case 'assign':
			return await statusOf(() => assignCrew(admin, id, actor.userId));
		case 'unassign':
			return await statusOf(() => unassignCrew(admin, id, actor.userId));
		case 'needed':
			return await statusOf(() => updateShift(admin, id, { needed: step.needed }));
		case 'move': {
			const shift = (await readRecords((r) => visibleShifts(r, 'admin'))).find((s) => s.id === id)!;
			const start = base + step.start * hour;
			return await statusOf(() =>
				updateShift(admin, id, { start, end: start + shift.end - shift.start })
			);
		}
		case 'delete':
			return await statusOf(() => deleteShift(admin, id));
		case 'retype':
			return await statusOf(() =>
				changeUser(admin, actor.userId, { type: step.type, removeFromShifts: step.confirm })
			);
	}
}

function overCapacity(): unknown[] {
	return rowsNow(`SELECT shift.id FROM shift JOIN shift_crew ON shift_crew.shift_id = shift.id
			GROUP BY shift.id HAVING COUNT(*) > shift.needed`);
}

/** Pairs of overlapping shifts some user holds both of. */
function doubleBooked(): unknown[] {
	return rowsNow(`SELECT a.user_id FROM shift_crew a JOIN shift_crew b
				ON a.user_id = b.user_id AND a.shift_id < b.shift_id
			JOIN shift sa ON sa.id = a.shift_id JOIN shift sb ON sb.id = b.shift_id
			WHERE sa.start_at < sb.end_at AND sb.start_at < sa.end_at`);
}

async function reset(): Promise<Model> {
	for (const { id } of await readRecords((r) => visibleShifts(r, 'admin')))
		await deleteShift(admin, id);
	for (const session of crewSessions) await changeUser(admin, session.userId, { type: 'crew' });
	return { shifts: [], types: new Map(crewSessions.map((s) => [s.userId, 'crew' as UserType])) };
}

async function run(steps: Step[], afterEach: (model: Model) => void): Promise<void> {
	const model = await reset();
	const levels = ['public', 'regular', 'crew', 'admin'] as const;
	const pages = Object.fromEntries(levels.map((level) => [level, [] as ApiShift[]]));
	for (const step of steps) {
		const ids = (await readRecords((r) => visibleShifts(r, 'admin'))).map((s) => s.id);
		if ('shift' in step && ids.length === 0) continue;
		heard = [];
		const now = Date.now();
		const want = expected(model, step, ids, now);
		const got = await act(step, ids);
		expect(got, JSON.stringify(step)).toBe(want);
		if (step.kind === 'create') {
			const made = heard.find((e) => e.type === 'shift-update')!.data as ApiShift;
			model.shifts.push({ ...made });
		}
		model.shifts.sort(compareShifts);
		expect(await readRecords((r) => visibleShifts(r, 'admin')), JSON.stringify(step)).toEqual(
			model.shifts
		);
		expect(overCapacity()).toEqual([]);
		for (const level of levels) {
			for (const event of heard) {
				const seen = projectEvent(event, { level, userId: null });
				if (seen?.type === 'shift-update' || seen?.type === 'shift-delete') {
					expect(level === 'crew' || level === 'admin', `${seen.type} to ${level}`).toBe(true);
					pages[level] = applyShiftEvent(pages[level], seen);
				}
			}
		}
		expect(pages.crew).toEqual(model.shifts);
		expect(pages.admin).toEqual(model.shifts);
		expect(pages.public).toEqual([]);
		expect(pages.regular).toEqual([]);
		afterEach(model);
	}
}

describe('shifts as a model of admins and crew', () => {
	it('whatever admins and crew do, the store follows the rules, no shift is over capacity and open pages stay exact', async () => {
		await fc.assert(
			fc.asyncProperty(sequence(everyStep), async (steps) => await run(steps, () => {})),
			{ numRuns: modelRuns(120, 30) }
		);
	});

	it('through sign-ups alone, no crew member ever holds two shifts at the same time', async () => {
		await fc.assert(
			fc.asyncProperty(
				sequence(crewSteps),
				async (steps) =>
					await run(steps, (model) => {
						expect(doubleBooked()).toEqual([]);
						for (const a of model.shifts)
							for (const b of model.shifts)
								if (a !== b && overlaps(a, b))
									expect(a.crewIds.filter((id) => b.crewIds.includes(id))).toEqual([]);
					})
			),
			{ numRuns: modelRuns(120, 30) }
		);
	});
});
