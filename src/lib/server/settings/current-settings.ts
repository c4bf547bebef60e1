import type { ApiSettings } from '$lib/api';
import { getConfig, type Config } from '../config';
import type { Records } from '../storage';

/**
 * A fresh instance's settings: the environment's registration mode, a neutral name, UTC and
 * days that end at midnight.
 */
export function defaultSettings(config: Pick<Config, 'REGISTRATION'>): ApiSettings {
	return {
		name: 'Tidewatch',
		timeZone: 'UTC',
		registration: config.REGISTRATION,
		dayStartsAt: '00:00'
	};
}

/**
 * The environment seeds the settings at first start only: after that the stored row, which the
 * admin changes, is what counts (docs/decisions.md).
 */
export async function seedDefaultSettings(
	records: Records,
	config: Config = getConfig()
): Promise<void> {
	await records.settings.seed(defaultSettings(config));
}

/** The settings in force; the defaults until the first start has written them. */
export async function currentSettings(records: Records): Promise<ApiSettings> {
	return (await records.settings.find()) ?? defaultSettings(getConfig());
}
