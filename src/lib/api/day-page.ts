import type { AccessLevel } from './user';
import type { ListedEntry } from './entry';
import type { ListedLocation } from './location';

/** The page data of `/` and `/days/YYYY-MM-DD`: one day of the schedule, and only what it shows. */
export interface DayPageData {
	/** The day shown, or null when no day has entries (`/` of an empty schedule). */
	date: string | null;
	/** Every day with entries the viewer may see, in order: the day links. */
	days: string[];
	/** The shown day's entries, and on today's page those still running from before it. */
	entries: ListedEntry[];
	locations: ListedLocation[];
	/**
	 * For the entries changed lately, the id of their latest public change: the browser marks
	 * those changed since the visitor's last visit.
	 */
	changedIn: Record<string, number>;
	/** The account's marks, for the mark buttons; the public has none. */
	interests: string[] | null;
	/** Nobody has registered yet: the first visitor is about to set the instance up. */
	newInstance: boolean;
	viewer: AccessLevel;
	/** The instant the page is rendered for: "today", "on now" and "over" follow it. */
	now: number;
	firstVisit: boolean;
	lastEventId: number;
}
