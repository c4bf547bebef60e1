import type { ApiSettings, RegistrationMode } from '$lib/api';
import type { Db } from '../db';
import { prepared } from '../db/statements';

interface SettingsRow {
	name: string;
	time_zone: string;
	registration: RegistrationMode;
}

export function findSettings(db: Db): ApiSettings | undefined {
	const row = prepared(
		db,
		'SELECT name, time_zone, registration FROM settings WHERE id = 1'
	).get() as SettingsRow | undefined;
	return row && { name: row.name, timeZone: row.time_zone, registration: row.registration };
}

/** Writes the first settings of an instance; does nothing once they exist. */
export function seedSettings(db: Db, settings: ApiSettings): void {
	prepared(
		db,
		'INSERT OR IGNORE INTO settings (id, name, time_zone, registration) VALUES (1, ?, ?, ?)'
	).run(settings.name, settings.timeZone, settings.registration);
}

export function saveSettings(db: Db, settings: ApiSettings): void {
	prepared(
		db,
		`INSERT INTO settings (id, name, time_zone, registration) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, time_zone = excluded.time_zone, registration = excluded.registration`
	).run(settings.name, settings.timeZone, settings.registration);
}
