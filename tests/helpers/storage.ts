import type { StoredEvent } from '$lib/server/events/stored-event';
import { closeStorage, storage, type SessionEnd } from '$lib/server/storage';

// The unit tests' ways into the process's storage: its SQLite connection, to set up and check
// rows directly, and its subscriptions.

export const getDb = () => storage().db;
export const closeDb = closeStorage;
export const subscribeEvents = (listener: (event: StoredEvent) => void) =>
	storage().onEvent(listener);
export const onSessionEnded = (listener: (end: SessionEnd) => void) =>
	storage().onSessionEnded(listener);
