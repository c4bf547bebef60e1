import type { ApiSettings } from '$lib/api';
import { getConfig, type Config } from '../config';
import type { Db } from '../storage';
import { findSettings, seedSettings } from './settings-store';

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
export function seedDefaultSettings(db: Db, config: Config = getConfig()): void {
	seedSettings(db, defaultSettings(config));
}

/** The settings in force; the defaults until the first start has written them. */
export function currentSettings(db: Db): ApiSettings {
	return findSettings(db) ?? defaultSettings(getConfig());
}
