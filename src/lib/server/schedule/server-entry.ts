import type { Visibility } from '$lib/api';

/** An entry as the server holds it: every field, whoever may see it. */
export interface ServerEntry {
	id: string;
	title: string;
	description: string;
	locationId: string | null;
	start: number;
	end: number;
	visibility: Visibility;
	crewNotes: string;
	createdAt: number;
	updatedAt: number;
	/** How many times the entry changed since it was made: a calendar's SEQUENCE. */
	revision: number;
	/** How many users marked it (read with it, never stored twice); crew and admins see it. */
	interestedCount: number;
}
