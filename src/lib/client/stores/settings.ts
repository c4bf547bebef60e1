import type { ApiEvent, ApiSettings } from '$lib/api';
import { createVersionedStore } from './versioned';

/** `settings-update` carries the whole settings: it replaces what the store holds. */
function applySettingsEvent(settings: ApiSettings, event: ApiEvent): ApiSettings {
	return event.type === 'settings-update' ? event.data : settings;
}

/** The instance's settings: layout data, then live events. */
export const createSettingsStore = () => createVersionedStore(applySettingsEvent);
