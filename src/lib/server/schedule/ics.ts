import type { ApiEntry } from '$lib/api';

/*
 * iCalendar (RFC 5545) for the published schedule: one VEVENT per public entry, times in UTC,
 * text escaped (3.3.11), lines folded at 75 octets (3.1) and ended with CRLF.
 */

interface CalendarEntry extends ApiEntry {
	calendarChangedAt: number;
	calendarRevision: number;
}

/** Backslash, semicolon and comma are escaped; a line break becomes "\n" (RFC 5545 3.3.11). */
function escapeText(text: string): string {
	return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** 20260704T183000Z */
function formatUtc(ms: number): string {
	return new Date(ms)
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

const encoder = new TextEncoder();

/**
 * Splits a content line into lines of at most 75 octets, each continuation starting with a
 * space (RFC 5545 3.1), never inside a UTF-8 character (nor between a surrogate pair).
 */
function foldLine(line: string): string {
	if (encoder.encode(line).length <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let size = 0;
	for (const char of line) {
		const bytes = encoder.encode(char).length;
		// The first line holds 75 octets; continuations 74 after their leading space.
		const limit = parts.length === 0 ? 75 : 74;
		if (size + bytes > limit) {
			parts.push(current);
			current = '';
			size = 0;
		}
		current += char;
		size += bytes;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

interface CalendarOptions {
	name: string;
	timeZone: string;
	/** The domain of the UIDs: fixed, so a UID never changes with the address the feed is read at. */
	uidDomain: string;
}

/** One VEVENT: an entry, or a shift in a personal feed. */
export interface CalendarEvent {
	/** Unique within the instance; the UID is `<uid>@<uidDomain>`. */
	uid: string;
	start: number;
	end: number;
	summary: string;
	description: string;
	location: string | null;
	updatedAt: number;
	sequence: number;
}

/** An entry as a VEVENT, its location named. */
export function entryEvent(
	entry: CalendarEntry,
	locationNames: Map<string, string>
): CalendarEvent {
	return {
		uid: entry.id,
		start: entry.start,
		end: entry.end,
		summary: entry.title,
		description: entry.description,
		location: (entry.locationId && locationNames.get(entry.locationId)) || null,
		updatedAt: entry.calendarChangedAt,
		sequence: entry.calendarRevision
	};
}

export function buildCalendar(events: readonly CalendarEvent[], options: CalendarOptions): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Tidewatch//Schedule//EN',
		'CALSCALE:GREGORIAN',
		`X-WR-CALNAME:${escapeText(options.name)}`,
		`X-WR-TIMEZONE:${options.timeZone}`
	];
	for (const event of events) {
		lines.push(
			'BEGIN:VEVENT',
			`UID:${event.uid}@${options.uidDomain}`,
			`DTSTAMP:${formatUtc(event.updatedAt)}`,
			`DTSTART:${formatUtc(event.start)}`,
			`DTEND:${formatUtc(event.end)}`,
			`SUMMARY:${escapeText(event.summary)}`
		);
		if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
		if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
		lines.push(
			`LAST-MODIFIED:${formatUtc(event.updatedAt)}`,
			`SEQUENCE:${event.sequence}`,
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
