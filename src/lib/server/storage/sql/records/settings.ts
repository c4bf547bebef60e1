import type { RegistrationMode } from '$lib/api';
import type { FeedVersionRecords, SettingsRecords } from '../../records/settings';
import type { Sql } from '../sql';

interface SettingsRow {
	name: string;
	time_zone: string;
	registration: RegistrationMode;
	day_starts_at: string;
}

export const sqlSettings = (sql: Sql): SettingsRecords => ({
	async find() {
		const row = await sql.get<SettingsRow>(
			'SELECT name, time_zone, registration, day_starts_at FROM settings WHERE id = 1'
		);
		return (
			row && {
				name: row.name,
				timeZone: row.time_zone,
				registration: row.registration,
				dayStartsAt: row.day_starts_at
			}
		);
	},
	async seed(settings) {
		await sql.run(
			`INSERT INTO settings (id, name, time_zone, registration, day_starts_at)
			VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			settings.name,
			settings.timeZone,
			settings.registration,
			settings.dayStartsAt
		);
	},
	async save(settings) {
		await sql.run(
			`INSERT INTO settings (id, name, time_zone, registration, day_starts_at)
			VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET
				name = excluded.name, time_zone = excluded.time_zone,
				registration = excluded.registration, day_starts_at = excluded.day_starts_at`,
			settings.name,
			settings.timeZone,
			settings.registration,
			settings.dayStartsAt
		);
	},
	async isSetUp() {
		// Null when not yet, undefined when there are no settings.
		return (await sql.value('SELECT set_up_at FROM settings WHERE id = 1')) != null;
	},
	async markSetUp(now) {
		await sql.run('UPDATE settings SET set_up_at = ? WHERE id = 1 AND set_up_at IS NULL', now);
	}
});

export const sqlFeedVersions = (sql: Sql): FeedVersionRecords => ({
	async find(name) {
		const row = await sql.get<{ etag: string; last_modified: number }>(
			'SELECT etag, last_modified FROM feed_version WHERE name = ?',
			name
		);
		return row && { etag: row.etag, lastModified: row.last_modified };
	},
	async save(name, etag, lastModified) {
		await sql.run(
			`INSERT INTO feed_version (name, etag, last_modified) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET etag = excluded.etag,
				last_modified = excluded.last_modified`,
			name,
			etag,
			lastModified
		);
	}
});
