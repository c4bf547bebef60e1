import type { ApiSettings, SettingsPatch } from '$lib/api';
import { appendEvent, change } from '../storage';
import { recordAudit } from '../audit/audit-trail';
import { requireActor } from '../auth/actor';
import type { ServerSession } from '../types';
import { currentSettings } from './current-settings';
import { keepWallClockTimes } from './keep-wall-clock';

/**
 * An admin changes the settings; every open page learns them at once. The first save sets the
 * instance up; a new time zone keeps the programme's wall-clock times.
 */
export async function updateSettings(
	actor: ServerSession,
	patch: SettingsPatch
): Promise<ApiSettings> {
	return change(async (tx) => {
		const admin = await requireActor(tx, actor, { admin: true });
		const before = await currentSettings(tx);
		const settings: ApiSettings = { ...before, ...patch };
		const changed = (Object.keys(patch) as (keyof ApiSettings)[]).filter(
			(key) => patch[key] !== undefined && patch[key] !== before[key]
		);
		const moved =
			settings.timeZone !== before.timeZone
				? await keepWallClockTimes(tx, before.timeZone, settings.timeZone)
				: null;
		if (changed.length) {
			// The gathering's name is text an admin chose: quoted, not part of the record's words.
			await recordAudit(tx, {
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
		await tx.settings.save(settings);
		await tx.settings.markSetUp(tx.now);
		// The calendar feed carries the gathering's name and zone: its Last-Modified moves too.
		await tx.entries.touchClock(tx.now);
		appendEvent(tx, { type: 'settings-update', data: settings });
		return settings;
	});
}
