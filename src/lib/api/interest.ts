import { z } from 'zod';

/** The entries the account marked ("I want to go") that it may see now. */
export interface ApiInterests {
	entryIds: string[];
}

/** Whether the account marks one entry: what PUT and DELETE answer, and the personal event. */
export interface ApiInterest {
	entryId: string;
	interested: boolean;
}

/** The mark button on the schedule and entry pages: one form for both ways. */
const interestFields = z.object({
	entryId: z.string().min(1).max(64),
	interested: z.enum(['yes', 'no'], { error: 'interested must be yes or no' })
});

/**
 * A mark button's form: `entryId` and `interested=yes|no`, or, from the schedule's one form
 * per day whose buttons each name their entry, `mark=<id>` or `unmark=<id>`.
 */
export const interestFormSchema = z.preprocess((fields) => {
	if (typeof fields !== 'object' || fields === null || 'entryId' in fields) return fields;
	const { mark, unmark } = fields as { mark?: unknown; unmark?: unknown };
	if (mark !== undefined) return { entryId: mark, interested: 'yes' };
	if (unmark !== undefined) return { entryId: unmark, interested: 'no' };
	return fields;
}, interestFields);

/** The calendar feed's forms (make a new address, revoke it) carry no fields. */
export const calendarFeedFormSchema = z.object({});

/** The account's personal calendar feed: never its secret, which is told once. */
interface ApiCalendarFeed {
	createdAt: number;
}

/** What creating a feed answers, the only time the secret URL is told. */
export interface ApiCreatedCalendarFeed extends ApiCalendarFeed {
	url: string;
}
