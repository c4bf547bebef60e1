import type { ApiSettings, SettingsPatch } from '$lib/api';
import { appendEvent, change } from '../events/change';
import { recordAudit } from '../audit/audit-store';
import { requireActor } from '../auth/actor';
import { touchSchedule } from '../schedule/entry-store';
import type { ServerSession } from '../types';
import { currentSettings } from './current-settings';
import { keepWallClockTimes } from './keep-wall-clock';
import { markSetUp, saveSettings } from './settings-store';

/**
 * An admin changes the settings; every open page learns them at once. The first save sets the
 * instance up; a new time zone keeps the programme's wall-clock times.
 */
export async function updateSettings(
	actor: ServerSession,
	patch: SettingsPatch
): Promise<ApiSettings> {
	return change((tx) => {
		const admin = requireActor(tx, actor, { admin: true });
		const before = currentSettings(tx.db);
		const settings: ApiSettings = { ...before, ...patch };
		const changed = (Object.keys(patch) as (keyof ApiSettings)[]).filter(
			(key) => patch[key] !== undefined && patch[key] !== before[key]
		);
		const moved =
			settings.timeZone !== before.timeZone
				? keepWallClockTimes(tx, before.timeZone, settings.timeZone)
				: null;
		if (changed.length) {
			// The gathering's name is text an admin chose: quoted, not part of the record's words.
			recordAudit(tx, {
				actor: admin,
				action: 'settings-change',
				target: null,
				detail: changed
					.map((key) => (key === 'name' ? 'name' : `${key}: ${before[key]} to ${settings[key]}`))
					.join('; ')
					.concat(
						moved && (moved.entries || moved.shifts)
							? `; ${moved.entries} ${moved.entries === 1 ? 'entry' : 'entries'} and ` +
									`${moved.shifts} shift${moved.shifts === 1 ? '' : 's'} kept their wall-clock times`
							: ''
					),
				...(changed.includes('name') && { quoted: settings.name })
			});
		}
		saveSettings(tx.db, settings);
		markSetUp(tx.db, tx.now);
		// The calendar feed carries the gathering's name and zone: its Last-Modified moves too.
		touchSchedule(tx.db, tx.now);
		appendEvent(tx, { type: 'settings-update', data: settings });
		return settings;
	});
}
