import type { ApiSettings, SettingsPatch } from '$lib/api';
import { appendEvent, change } from '../events/change';
import { requireActingAdmin } from '../users/acting-admin';
import { currentSettings } from './current-settings';
import { saveSettings } from './settings-store';

/** An admin changes the settings; every open page learns them at once. */
export function updateSettings(actorId: string, patch: SettingsPatch): ApiSettings {
	return change((tx) => {
		requireActingAdmin(tx, actorId);
		const settings: ApiSettings = { ...currentSettings(tx.db), ...patch };
		saveSettings(tx.db, settings);
		appendEvent(tx, { type: 'settings-update', data: settings });
		return settings;
	});
}
