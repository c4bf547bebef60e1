import { randomBytes } from 'node:crypto';
import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';
import type { ServerShift } from './server-shift';

interface ShiftRow {
	id: string;
	role: string;
	location_id: string | null;
	start_at: number;
	end_at: number;
	needed: number;
	notes: string;
	created_at: number;
	updated_at: number;
	revision: number;
	/** JSON array of user ids, in the order they took their places. */
	crew_ids: string;
}

const toServerShift = (row: ShiftRow): ServerShift => ({
	id: row.id,
	role: row.role,
	locationId: row.location_id,
	start: row.start_at,
	end: row.end_at,
	needed: row.needed,
	crewIds: JSON.parse(row.crew_ids) as string[],
	notes: row.notes,
	createdAt: row.created_at,
	updatedAt: row.updated_at,
	revision: row.revision
});

/** A shift with its crew in one row, so a list of 500 shifts is one query. */
const selectShifts = `SELECT shift.*,
	(SELECT json_group_array(user_id ORDER BY seq) FROM shift_crew
		WHERE shift_crew.shift_id = shift.id) AS crew_ids
	FROM shift`;

export const generateShiftId = () => randomBytes(10).toString('base64url');

export function findShift(db: Db, id: string): ServerShift | undefined {
	const row = prepared(db, `${selectShifts} WHERE id = ?`).get(id) as ShiftRow | undefined;
	return row && toServerShift(row);
}

export function listShifts(db: Db): ServerShift[] {
	return (prepared(db, `${selectShifts} ORDER BY start_at, end_at, id`).all() as ShiftRow[]).map(
		toServerShift
	);
}

/** The shifts a user holds a place on, in time order. */
export function listShiftsOf(db: Db, userId: string): ServerShift[] {
	return (
		prepared(
			db,
			`${selectShifts} WHERE id IN (SELECT shift_id FROM shift_crew WHERE user_id = ?)
			ORDER BY start_at, end_at, id`
		).all(userId) as ShiftRow[]
	).map(toServerShift);
}

export function countShiftsAt(db: Db, locationId: string): number {
	return prepared(db, 'SELECT COUNT(*) FROM shift WHERE location_id = ?')
		.pluck()
		.get(locationId) as number;
}

/** The shift's own fields; its crew is written with `setShiftCrew` and `addShiftCrew`. */
export function insertShift(db: Db, shift: ServerShift): void {
	prepared(
		db,
		`INSERT INTO shift (id, role, location_id, start_at, end_at, needed, notes, created_at,
			updated_at, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	).run(
		shift.id,
		shift.role,
		shift.locationId,
		shift.start,
		shift.end,
		shift.needed,
		shift.notes,
		shift.createdAt,
		shift.updatedAt,
		shift.revision
	);
}

export function saveShift(db: Db, shift: ServerShift): void {
	prepared(
		db,
		`UPDATE shift SET role = ?, location_id = ?, start_at = ?, end_at = ?, needed = ?, notes = ?,
			updated_at = ?, revision = ?
		WHERE id = ?`
	).run(
		shift.role,
		shift.locationId,
		shift.start,
		shift.end,
		shift.needed,
		shift.notes,
		shift.updatedAt,
		shift.revision,
		shift.id
	);
}

export function deleteShiftRow(db: Db, id: string): void {
	prepared(db, 'DELETE FROM shift WHERE id = ?').run(id);
}

/** Gives `userId` the next place on the shift; the caller has checked that one is free. */
export function addShiftCrew(db: Db, shiftId: string, userId: string, now: number): void {
	prepared(
		db,
		`INSERT INTO shift_crew (shift_id, user_id, taken_at, seq)
		VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM shift_crew WHERE shift_id = ?))`
	).run(shiftId, userId, now, shiftId);
}

/** True when the user held a place on the shift. */
export function removeShiftCrew(db: Db, shiftId: string, userId: string): boolean {
	return (
		prepared(db, 'DELETE FROM shift_crew WHERE shift_id = ? AND user_id = ?').run(shiftId, userId)
			.changes === 1
	);
}

/** Makes the shift's crew exactly `userIds`: those kept keep their order, newcomers follow. */
export function setShiftCrew(db: Db, shiftId: string, userIds: readonly string[], now: number) {
	const current = prepared(db, 'SELECT user_id FROM shift_crew WHERE shift_id = ?')
		.pluck()
		.all(shiftId) as string[];
	const wanted = new Set(userIds);
	for (const userId of current) if (!wanted.has(userId)) removeShiftCrew(db, shiftId, userId);
	const kept = new Set(current);
	for (const userId of userIds) if (!kept.has(userId)) addShiftCrew(db, shiftId, userId, now);
}
