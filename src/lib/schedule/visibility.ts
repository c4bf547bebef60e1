import type { AccessLevel, Visibility } from '$lib/api';

/**
 * Who may see an entry (docs/api.md): the public sees public entries, crew also crew entries,
 * admins also drafts. Regular users see what the public sees.
 */
export function mayView(visibility: Visibility, level: AccessLevel): boolean {
	if (visibility === 'public') return true;
	if (visibility === 'crew') return level === 'crew' || level === 'admin';
	return level === 'admin';
}

/** A level that could not see an entry may see it now. */
export const gainsSight = (from: Visibility, to: Visibility, level: AccessLevel) =>
	mayView(to, level) && !mayView(from, level);

/** Crew notes are for crew and admins. */
export const seesCrewNotes = (level: AccessLevel) => level === 'crew' || level === 'admin';

/** The visibilities a level may see, for queries that list entries. */
export const visibleTo = (level: AccessLevel): Visibility[] =>
	(['public', 'crew', 'draft'] as const).filter((visibility) => mayView(visibility, level));
