import type { AccessLevel, ApiEntry } from '$lib/api';
import type { ServerEntry } from '../types';
import { mayView, seesCrewNotes } from '$lib/schedule/visibility';

/**
 * The one place that cuts an entry to a level: null when the level may not see it at all;
 * crew notes and the interested count only for crew and admins, the version only for admins.
 */
export function toApiEntry(entry: ServerEntry, level: AccessLevel): ApiEntry | null {
	if (!mayView(entry.visibility, level)) return null;
	const seen: ApiEntry = {
		id: entry.id,
		title: entry.title,
		description: entry.description,
		locationId: entry.locationId,
		start: entry.start,
		end: entry.end,
		visibility: entry.visibility
	};
	if (!seesCrewNotes(level)) return seen;
	// Events written before interests existed hold no count: nobody had marked the entry.
	const crew = { ...seen, crewNotes: entry.crewNotes, interestedCount: entry.interestedCount ?? 0 };
	// Admins, who edit, get the version an edit is based on (docs/api.md, "Versions").
	return level === 'admin' ? { ...crew, version: entry.revision } : crew;
}
