import type { ServerShift } from '../../../types';
import type { ShiftRecords } from '../../records/shifts';
import type { Sql } from '../sql';

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

export const sqlShifts = (sql: Sql): ShiftRecords => {
	// A shift with its crew in one row, so a list of 500 shifts is one query.
	const selectShifts = `SELECT shift.*,
		(SELECT ${sql.dialect.jsonArray('user_id', 'seq')} FROM shift_crew
			WHERE shift_crew.shift_id = shift.id) AS crew_ids
		FROM shift`;
	const find = `${selectShifts} WHERE id = ?`;
	const list = `${selectShifts} ORDER BY start_at, end_at, id`;
	const listOf = `${selectShifts} WHERE id IN (SELECT shift_id FROM shift_crew WHERE user_id = ?)
		ORDER BY start_at, end_at, id`;
	const addCrew = (shiftId: string, userId: string, now: number) =>
		sql.run(
			`INSERT INTO shift_crew (shift_id, user_id, taken_at, seq)
			VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM shift_crew WHERE shift_id = ?))`,
			shiftId,
			userId,
			now,
			shiftId
		);
	const removeCrew = async (shiftId: string, userId: string) =>
		(await sql.run(
			'DELETE FROM shift_crew WHERE shift_id = ? AND user_id = ?',
			shiftId,
			userId
		)) === 1;
	return {
		async find(id) {
			const row = await sql.get<ShiftRow>(find, id);
			return row && toServerShift(row);
		},
		async list() {
			return (await sql.all<ShiftRow>(list)).map(toServerShift);
		},
		async listOf(userId) {
			return (await sql.all<ShiftRow>(listOf, userId)).map(toServerShift);
		},
		async countAt(locationId) {
			return (await sql.value<number>(
				'SELECT COUNT(*) FROM shift WHERE location_id = ?',
				locationId
			)) as number;
		},
		async insert(shift) {
			await sql.run(
				`INSERT INTO shift (id, role, location_id, start_at, end_at, needed, notes, created_at,
					updated_at, revision)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
		},
		async save(shift) {
			await sql.run(
				`UPDATE shift SET role = ?, location_id = ?, start_at = ?, end_at = ?, needed = ?,
					notes = ?, updated_at = ?, revision = ?
				WHERE id = ?`,
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
		},
		async delete(id) {
			await sql.run('DELETE FROM shift WHERE id = ?', id);
		},
		async addCrew(shiftId, userId, now) {
			await addCrew(shiftId, userId, now);
		},
		async removeCrew(shiftId, userId) {
			return removeCrew(shiftId, userId);
		},
		async setCrew(shiftId, userIds, now) {
			const current = await sql.values<string>(
				'SELECT user_id FROM shift_crew WHERE shift_id = ?',
				shiftId
			);
			const wanted = new Set(userIds);
			for (const userId of current) if (!wanted.has(userId)) await removeCrew(shiftId, userId);
			const kept = new Set(current);
			for (const userId of userIds) if (!kept.has(userId)) await addCrew(shiftId, userId, now);
		}
	};
};
