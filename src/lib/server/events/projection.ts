import type { AccessLevel, ApiEvent } from '$lib/api';
import { toApiUser } from '../users/api-user';
import type { StoredEvent } from './stored-event';

/** Who is looking: the access level, and the user for views that are personal. */
export interface Viewer {
	level: AccessLevel;
	userId: string | null;
}

type Projector<E extends StoredEvent> = (event: E, viewer: Viewer) => ApiEvent | null;

const projectors: {
	[T in StoredEvent['type']]: Projector<Extract<StoredEvent, { type: T }>>;
} = {
	'user-update': (event, viewer) =>
		viewer.level === 'public'
			? null
			: { type: 'user-update', data: toApiUser(event.data, viewer.level) },
	'user-delete': (event, viewer) =>
		viewer.level === 'public' ? null : { type: 'user-delete', data: { id: event.data.id } }
};

/** The event as this viewer may see it, or null when it is not theirs to see (contract §3). */
export function projectEvent(event: StoredEvent, viewer: Viewer): ApiEvent | null {
	const project = projectors[event.type] as Projector<StoredEvent>;
	return project(event, viewer);
}

/**
 * Viewers with the same key see every event alike, so live fan-out projects and serialises
 * once per key. No event type has a personal view yet; one that does adds the user here.
 */
export function viewKey(viewer: Viewer): string {
	return viewer.level;
}
