import type { ServerShift } from '../../../types';
import type { ShiftRecords } from '../../records/shifts';
import type { Db } from '../open';
import { prepared } from '../statements';

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

export const sqliteShifts = (db: Db): ShiftRecords => {
	const addCrew = (shiftId: string, userId: string, now: number) =>
		prepared(
			db,
			`INSERT INTO shift_crew (shift_id, user_id, taken_at, seq)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM shift_crew WHERE shift_id = ?))`
		).run(shiftId, userId, now, shiftId);
	const removeCrew = (shiftId: string, userId: string) =>
		prepared(db, 'DELETE FROM shift_crew WHERE shift_id = ? AND user_id = ?').run(shiftId, userId)
			.changes === 1;
	return {
		async find(id) {
			const row = prepared(db, `${selectShifts} WHERE id = ?`).get(id) as ShiftRow | undefined;
			return row && toServerShift(row);
		},
		async list() {
			return (
				prepared(db, `${selectShifts} ORDER BY start_at, end_at, id`).all() as ShiftRow[]
			).map(toServerShift);
		},
		async listOf(userId) {
			return (
				prepared(
					db,
					`${selectShifts} WHERE id IN (SELECT shift_id FROM shift_crew WHERE user_id = ?)
					ORDER BY start_at, end_at, id`
				).all(userId) as ShiftRow[]
			).map(toServerShift);
		},
		async countAt(locationId) {
			return prepared(db, 'SELECT COUNT(*) FROM shift WHERE location_id = ?')
				.pluck()
				.get(locationId) as number;
		},
		async insert(shift) {
			prepared(
				db,
				`INSERT INTO shift (id, role, location_id, start_at, end_at, needed, notes, created_at,
					updated_at, revision)
				VALUES (@id, @role, @locationId, @start, @end, @needed, @notes, @createdAt,
					@updatedAt, @revision)`
			).run(shift);
		},
		async save(shift) {
			prepared(
				db,
				`UPDATE shift SET role = @role, location_id = @locationId, start_at = @start,
					end_at = @end, needed = @needed, notes = @notes, updated_at = @updatedAt,
					revision = @revision
				WHERE id = @id`
			).run(shift);
		},
		async delete(id) {
			prepared(db, 'DELETE FROM shift WHERE id = ?').run(id);
		},
		async addCrew(shiftId, userId, now) {
			addCrew(shiftId, userId, now);
		},
		async removeCrew(shiftId, userId) {
			return removeCrew(shiftId, userId);
		},
		async setCrew(shiftId, userIds, now) {
			const current = prepared(db, 'SELECT user_id FROM shift_crew WHERE shift_id = ?')
				.pluck()
				.all(shiftId) as string[];
			const wanted = new Set(userIds);
			for (const userId of current) if (!wanted.has(userId)) removeCrew(shiftId, userId);
			const kept = new Set(current);
			for (const userId of userIds) if (!kept.has(userId)) addCrew(shiftId, userId, now);
		}
	};
};
