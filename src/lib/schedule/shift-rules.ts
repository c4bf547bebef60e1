import type { ApiShift } from '$lib/api';

/*
 * The rules of shifts as pure functions, shared by the server (which decides inside the write
 * transaction) and the pages (which mark what the server would refuse before anyone asks).
 */

interface Timed {
	id: string;
	start: number;
	end: number;
}

/** Two spans of time overlap when each starts before the other ends: touching is no overlap. */
export const overlaps = (a: Omit<Timed, 'id'>, b: Omit<Timed, 'id'>): boolean =>
	a.start < b.end && b.start < a.end;

/** A shift that has ended is history: who worked it stays on record (docs/api.md, "Over"). */
export const isOver = (shift: Pick<ApiShift, 'end'>, now: number): boolean => shift.end <= now;

/** Places still free; never negative, even for a shift an older rule left over capacity. */
export const freePlaces = (shift: Pick<ApiShift, 'needed' | 'crewIds'>): number =>
	Math.max(0, shift.needed - shift.crewIds.length);

/** Why a shift with `needed` places cannot hold `crew` people, or null when it can. */
export function capacityProblem(needed: number, crew: number): string | null {
	if (crew <= needed) return null;
	return `${crew} crew for ${needed} ${needed === 1 ? 'place' : 'places'}: the shift would be over capacity`;
}

type SignupDecision =
	| { kind: 'take' }
	/** The caller already holds a place: nothing to do. */
	| { kind: 'held' }
	| { kind: 'over' }
	| { kind: 'full' }
	| { kind: 'overlap'; with: Timed };

/**
 * Whether `userId` may take a place on `shift` at `now`, given the other shifts it holds.
 * A held place wins (a repeated click changes nothing), then a shift that is over, then a full
 * one, then an overlap with a held shift.
 */
export function decideSignup(
	shift: Pick<ApiShift, 'id' | 'start' | 'end' | 'needed' | 'crewIds'>,
	held: readonly Timed[],
	userId: string,
	now: number
): SignupDecision {
	if (shift.crewIds.includes(userId)) return { kind: 'held' };
	if (isOver(shift, now)) return { kind: 'over' };
	if (freePlaces(shift) === 0) return { kind: 'full' };
	const clash = held.find((other) => other.id !== shift.id && overlaps(other, shift));
	if (clash) return { kind: 'overlap', with: clash };
	return { kind: 'take' };
}

type LeaveDecision = 'leave' | 'not-held' | 'over';

/** A crew member leaves a place they hold, until the shift is over (the record then stays). */
export function decideLeave(
	shift: Pick<ApiShift, 'end' | 'crewIds'>,
	userId: string,
	now: number
): LeaveDecision {
	if (!shift.crewIds.includes(userId)) return 'not-held';
	if (isOver(shift, now)) return 'over';
	return 'leave';
}

/**
 * Every pair of items that overlap in time, wherever they are, as each item's list of the ids
 * it clashes with: a person cannot be in two places at once.
 */
export function findClashes(items: readonly Timed[]): Map<string, string[]> {
	const clashes = new Map<string, string[]>();
	const mark = (a: Timed, b: Timed) => {
		clashes.set(a.id, [...(clashes.get(a.id) ?? []), b.id]);
		clashes.set(b.id, [...(clashes.get(b.id) ?? []), a.id]);
	};
	const sorted = [...items].sort((a, b) => a.start - b.start || a.end - b.end);
	// Sweep: the items still running when each one starts are the ones it clashes with.
	let running: Timed[] = [];
	for (const item of sorted) {
		running = running.filter((other) => other.end > item.start);
		for (const other of running) mark(other, item);
		running.push(item);
	}
	return clashes;
}

/**
 * For each shift, the crew members on it who also hold another shift at the same time, with
 * those shifts' ids: what the admin page marks (admins may assign overlapping shifts).
 */
export function crewOverlaps(shifts: readonly ApiShift[]): Map<string, Map<string, string[]>> {
	const byUser = new Map<string, ApiShift[]>();
	for (const shift of shifts) {
		for (const userId of shift.crewIds) byUser.set(userId, [...(byUser.get(userId) ?? []), shift]);
	}
	const marks = new Map<string, Map<string, string[]>>();
	for (const [userId, held] of byUser) {
		if (held.length < 2) continue;
		for (const [shiftId, others] of findClashes(held)) {
			const users = marks.get(shiftId) ?? new Map<string, string[]>();
			users.set(userId, others);
			marks.set(shiftId, users);
		}
	}
	return marks;
}

/** Shifts in the order people read them: by start, then end, then role; the id breaks ties. */
export function compareShifts(a: ApiShift, b: ApiShift): number {
	return (
		a.start - b.start ||
		a.end - b.end ||
		a.role.localeCompare(b.role) ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}
