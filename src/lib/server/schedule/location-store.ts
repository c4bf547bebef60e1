import { randomBytes } from 'node:crypto';
import type { ApiLocation, ListedLocation } from '$lib/api';
import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

interface LocationRow {
	id: string;
	name: string;
	description: string;
}

const toApiLocation = (row: LocationRow): ApiLocation => ({
	id: row.id,
	name: row.name,
	description: row.description
});

export const generateLocationId = () => randomBytes(10).toString('base64url');

export function findLocation(db: Db, id: string): ApiLocation | undefined {
	const row = prepared(db, 'SELECT id, name, description FROM location WHERE id = ?').get(id) as
		LocationRow | undefined;
	return row && toApiLocation(row);
}

export function listLocations(db: Db): ApiLocation[] {
	return (
		prepared(
			db,
			'SELECT id, name, description FROM location ORDER BY name COLLATE NOCASE, id'
		).all() as LocationRow[]
	).map(toApiLocation);
}

/** The locations by name only, as the schedule's lists show them. */
export function listLocationNames(db: Db): ListedLocation[] {
	return prepared(
		db,
		'SELECT id, name FROM location ORDER BY name COLLATE NOCASE, id'
	).all() as ListedLocation[];
}

export function insertLocation(db: Db, location: ApiLocation, now: number): void {
	prepared(db, 'INSERT INTO location (id, name, description, created_at) VALUES (?, ?, ?, ?)').run(
		location.id,
		location.name,
		location.description,
		now
	);
}

export function saveLocation(db: Db, location: ApiLocation): void {
	prepared(db, 'UPDATE location SET name = ?, description = ? WHERE id = ?').run(
		location.name,
		location.description,
		location.id
	);
}

export function deleteLocationRow(db: Db, id: string): void {
	prepared(db, 'DELETE FROM location WHERE id = ?').run(id);
}
