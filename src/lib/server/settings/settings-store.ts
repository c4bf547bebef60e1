import type { ApiSettings, RegistrationMode } from '$lib/api';
import type { Db } from '../storage';
import { prepared } from '../storage/sqlite/statements';

interface SettingsRow {
	name: string;
	time_zone: string;
	registration: RegistrationMode;
	day_starts_at: string;
}

export function findSettings(db: Db): ApiSettings | undefined {
	const row = prepared(
		db,
		'SELECT name, time_zone, registration, day_starts_at FROM settings WHERE id = 1'
	).get() as SettingsRow | undefined;
	return (
		row && {
			name: row.name,
			timeZone: row.time_zone,
			registration: row.registration,
			dayStartsAt: row.day_starts_at
		}
	);
}

/** Writes the first settings of an instance; does nothing once they exist. */
export function seedSettings(db: Db, settings: ApiSettings): void {
	prepared(
		db,
		`INSERT OR IGNORE INTO settings (id, name, time_zone, registration, day_starts_at)
		VALUES (1, ?, ?, ?, ?)`
	).run(settings.name, settings.timeZone, settings.registration, settings.dayStartsAt);
}

export function saveSettings(db: Db, settings: ApiSettings): void {
	prepared(
		db,
		`INSERT INTO settings (id, name, time_zone, registration, day_starts_at) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, time_zone = excluded.time_zone, registration = excluded.registration,
			day_starts_at = excluded.day_starts_at`
	).run(settings.name, settings.timeZone, settings.registration, settings.dayStartsAt);
}

/** Whether an admin has saved the settings yet: until then admins are sent to the setup page. */
export function isSetUp(db: Db): boolean {
	return (
		prepared(db, 'SELECT set_up_at IS NOT NULL FROM settings WHERE id = 1').pluck().get() === 1
	);
}

/** Called from the change that saves the settings: the first such change sets the instance up. */
export function markSetUp(db: Db, now: number): void {
	prepared(db, 'UPDATE settings SET set_up_at = ? WHERE id = 1 AND set_up_at IS NULL').run(now);
}
