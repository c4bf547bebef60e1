import { resolve } from '$app/paths';
import type { ListedEntry } from '$lib/api';
import { formatTime, formatWeekday } from '$lib/schedule/zoned-time';

/*
 * One listed entry of a schedule page, as HTML. A day lists hundreds: as components, a phone spent
 * most of a second taking them over from the server's HTML (hydration). As one string each, a
 * page takes over the server's nodes as they are, and a change replaces only the entries whose
 * string changed. Every value written here is escaped: text and attribute alike.
 */

export interface EntryListing {
	timeZone: string;
	/** The instant "on now" and "over" follow. */
	now: number;
	/** The location's name when the list does not stand under it, else null. */
	locationName: string | null;
	/**
	 * Whether the account marked it; null for the public, who see no mark button. The button
	 * submits the form the list stands in (one per page: a form per entry weighed 350 bytes).
	 */
	interested: boolean | null;
	/** The one place the entry is listed with its id, so a no-JS mark comes back to it. */
	anchor: boolean;
	/**
	 * The instants [from, to) of the day the list stands under: an entry starting outside them
	 * names its weekday ("Sat 01:00" under Friday, or tomorrow's entry in "Next").
	 */
	sameDay: readonly [number, number];
	/** It changed since the visitor's last visit. */
	changed?: boolean;
}

const escapeText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
const escapeAttribute = (text: string) => escapeText(text).replaceAll('"', '&quot;');

/** To the minute, as entry times are: shorter than toISOString's seconds and milliseconds. */
const machineTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** The title's id: it names the mark button (aria-describedby) and is the no-JS mark's anchor. */
const titleId = (entryId: string, anchor: boolean) => `${anchor ? 'entry' : 'e'}-${entryId}`;

/** Thousands of these make the page: every byte here counts (docs/performance.md). */
export function entryMarkup(entry: ListedEntry, listing: EntryListing): string {
	const { timeZone, now, locationName, interested, sameDay } = listing;
	const running = entry.start <= now && now < entry.end;
	const over = entry.end <= now;
	const id = escapeAttribute(entry.id);
	const title = escapeAttribute(titleId(entry.id, listing.anchor));
	const elsewhere = entry.start < sameDay[0] || entry.start >= sameDay[1];

	let html = `<li class="se${running ? ' on' : ''}${over ? ' over' : ''}" data-testid="entry"`;
	if (entry.visibility !== 'public') html += ` data-visibility="${entry.visibility}"`;
	html += '><span class="when">';
	if (elsewhere)
		html += `<span class="d" data-testid="entry-day">${escapeText(formatWeekday(entry.start, timeZone))}</span>`;
	html +=
		`<time datetime="${machineTime(entry.start)}">${formatTime(entry.start, timeZone)}</time>–` +
		`<time datetime="${machineTime(entry.end)}">${formatTime(entry.end, timeZone)}</time></span>` +
		` <span class="n"><a id="${title}" href="${escapeAttribute(resolve('/entries/[id]', { id: entry.id }))}">` +
		`${escapeText(entry.title)}</a>`;
	if (entry.visibility !== 'public')
		html += ` <span class="badge ${entry.visibility}">${entry.visibility === 'crew' ? 'crew only' : 'draft'}</span>`;
	if (running) html += ' <span class="badge live">on now</span>';
	if (listing.changed) html += ' <span class="badge changed" data-testid="changed">changed</span>';
	if (entry.interestedCount !== undefined)
		html += ` <span class="badge count">${entry.interestedCount} interested</span>`;
	html += '</span>';
	if (locationName) html += ` <span class="w">${escapeText(locationName)}</span>`;
	// The personal page (server/pages/personal-page.ts) finds these buttons by their bytes. No
	// quotes around true and false, and no space before: two pages of them would weigh more.
	if (interested !== null)
		html +=
			`<button name="${interested ? 'unmark' : 'mark'}" value="${id}" aria-pressed=${interested}` +
			` aria-describedby="${title}">${interested ? '★ Marked' : '☆ Mark'}</button>`;
	return `${html}</li>`;
}
