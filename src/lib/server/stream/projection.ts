import type { AccessLevel, ApiEvent } from '$lib/api';
import { toApiEntry } from '../schedule/api-entry';
import { gainsSight, mayView, seesCrewNotes } from '$lib/schedule/visibility';
import { seesShifts } from '../shifts/visible-shifts';
import { toApiUser } from '../auth/access-level';
import type { StoredEvent } from '../events/stored-event';

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
		viewer.level === 'public' ? null : { type: 'user-delete', data: { id: event.data.id } },
	// The register page of a visitor must learn at once that registration closed.
	// Settings stored before days had a start hour (migration 10) began them at midnight.
	'settings-update': (event) => ({
		type: 'settings-update',
		data: { ...event.data, dayStartsAt: event.data.dayStartsAt ?? '00:00' }
	}),
	// Locations are public.
	'location-update': (event) => ({ type: 'location-update', data: event.data }),
	'location-delete': (event) => ({ type: 'location-delete', data: event.data }),
	'entry-update': projectEntryUpdate,
	'entry-delete': (event) => ({ type: 'entry-delete', data: { id: event.data.id } }),
	// Only organisers see how many want to go; an entry the viewer may not see stays unseen.
	'entry-interest-count': ({ data }, viewer) =>
		seesCrewNotes(viewer.level) && mayView(data.visibility, viewer.level)
			? {
					type: 'entry-interest-count',
					data: { id: data.id, interestedCount: data.interestedCount }
				}
			: null,
	// Shifts are for crew and admins: the public and regular users never hear of one.
	'shift-update': (event, viewer) =>
		seesShifts(viewer.level) ? { type: 'shift-update', data: event.data } : null,
	'shift-delete': (event, viewer) =>
		seesShifts(viewer.level) ? { type: 'shift-delete', data: { id: event.data.id } } : null,
	'interest-update': (event, viewer) =>
		viewer.userId === event.data.userId
			? {
					type: 'interest-update',
					data: { entryId: event.data.entryId, interested: event.data.interested }
				}
			: null,
	// Only to markers whose level just gained sight of the entry (see the stored event).
	'marks-shown': (event, viewer) =>
		viewer.userId !== null &&
		event.data.markedBy?.has(viewer.userId) &&
		gainsSight(event.data.from, event.data.to, viewer.level)
			? { type: 'interest-update', data: { entryId: event.data.entryId, interested: true } }
			: null,
	'session-update': personal,
	'session-delete': personal,
	'security-record': personal
};

/**
 * The projection rule (docs/stream.md): a viewer who may see the entry's new state gets it cut
 * to its level; one who may not gets its delete, so unpublishing or hiding an entry removes it
 * from every page that showed it (and is harmless on one that never had it).
 */
export function projectEntryUpdate(
	event: Extract<StoredEvent, { type: 'entry-update' }>,
	viewer: Viewer
): ApiEvent {
	const seen = toApiEntry(event.data, viewer.level);
	return seen
		? { type: 'entry-update', data: seen }
		: { type: 'entry-delete', data: { id: event.data.id } };
}

type PersonalEvent = Extract<StoredEvent, { data: { userId: string } }>;

const personalTypes: ReadonlySet<string> = new Set<PersonalEvent['type']>([
	'session-update',
	'session-delete',
	'security-record',
	'interest-update'
]);

const isPersonal = (event: StoredEvent): event is PersonalEvent => personalTypes.has(event.type);

function personal(
	event: Exclude<PersonalEvent, { type: 'interest-update' }>,
	viewer: Viewer
): ApiEvent | null {
	return viewer.userId === event.data.userId
		? ({ type: event.type, data: event.data } as ApiEvent)
		: null;
}

/** The event as this viewer may see it, or null when it is not theirs to see (docs/stream.md). */
export function projectEvent(event: StoredEvent, viewer: Viewer): ApiEvent | null {
	const project = projectors[event.type] as Projector<StoredEvent>;
	return project(event, viewer);
}

/** The users a personal event is for; none when what a viewer sees depends on its level only. */
export function personalTo(event: StoredEvent): Iterable<string> {
	if (event.type === 'marks-shown') return event.data.markedBy ?? [];
	return isPersonal(event) ? [event.data.userId] : [];
}

/** Viewers with the same key see every non-personal event alike. */
export function viewKey(viewer: Viewer): string {
	return viewer.level;
}
