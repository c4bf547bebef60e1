import type { RegistrationMode } from '$lib/api';
import type { FeedVersionRecords, SettingsRecords } from '../../records/settings';
import type { Db } from '../open';
import { prepared } from '../statements';

interface SettingsRow {
	name: string;
	time_zone: string;
	registration: RegistrationMode;
	day_starts_at: string;
}

export const sqliteSettings = (db: Db): SettingsRecords => ({
	async find() {
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
	},
	async seed(settings) {
		prepared(
			db,
			`INSERT OR IGNORE INTO settings (id, name, time_zone, registration, day_starts_at)
			VALUES (1, ?, ?, ?, ?)`
		).run(settings.name, settings.timeZone, settings.registration, settings.dayStartsAt);
	},
	async save(settings) {
		prepared(
			db,
			`INSERT INTO settings (id, name, time_zone, registration, day_starts_at)
			VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET
				name = excluded.name, time_zone = excluded.time_zone,
				registration = excluded.registration, day_starts_at = excluded.day_starts_at`
		).run(settings.name, settings.timeZone, settings.registration, settings.dayStartsAt);
	},
	async isSetUp() {
		return (
			prepared(db, 'SELECT set_up_at IS NOT NULL FROM settings WHERE id = 1').pluck().get() === 1
		);
	},
	async markSetUp(now) {
		prepared(db, 'UPDATE settings SET set_up_at = ? WHERE id = 1 AND set_up_at IS NULL').run(now);
	}
});

export const sqliteFeedVersions = (db: Db): FeedVersionRecords => ({
	async find(name) {
		const row = prepared(db, 'SELECT etag, last_modified FROM feed_version WHERE name = ?').get(
			name
		) as { etag: string; last_modified: number } | undefined;
		return row && { etag: row.etag, lastModified: row.last_modified };
	},
	async save(name, etag, lastModified) {
		prepared(
			db,
			`INSERT INTO feed_version (name, etag, last_modified) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET etag = excluded.etag,
				last_modified = excluded.last_modified`
		).run(name, etag, lastModified);
	}
});
