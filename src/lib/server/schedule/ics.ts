import type { ApiEntry, ApiLocation } from '$lib/api';

/*
 * iCalendar (RFC 5545) for the published schedule: one VEVENT per public entry, times in UTC,
 * text escaped (3.3.11), lines folded at 75 octets (3.1) and ended with CRLF.
 */

export interface CalendarEntry extends ApiEntry {
	updatedAt: number;
	revision: number;
}

/** Backslash, semicolon and comma are escaped; a line break becomes "\n" (RFC 5545 3.3.11). */
export function escapeText(text: string): string {
	return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** 20260704T183000Z */
export function formatUtc(ms: number): string {
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
export function foldLine(line: string): string {
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

export interface CalendarOptions {
	name: string;
	timeZone: string;
	/** The domain of the UIDs: fixed, so a UID never changes with the address the feed is read at. */
	uidDomain: string;
}

export function buildCalendar(
	entries: readonly CalendarEntry[],
	locations: readonly ApiLocation[],
	options: CalendarOptions
): string {
	const names = new Map(locations.map((location) => [location.id, location.name]));
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Tidewatch//Schedule//EN',
		'CALSCALE:GREGORIAN',
		`X-WR-CALNAME:${escapeText(options.name)}`,
		`X-WR-TIMEZONE:${options.timeZone}`
	];
	for (const entry of entries) {
		lines.push(
			'BEGIN:VEVENT',
			`UID:${entry.id}@${options.uidDomain}`,
			`DTSTAMP:${formatUtc(entry.updatedAt)}`,
			`DTSTART:${formatUtc(entry.start)}`,
			`DTEND:${formatUtc(entry.end)}`,
			`SUMMARY:${escapeText(entry.title)}`
		);
		if (entry.description) lines.push(`DESCRIPTION:${escapeText(entry.description)}`);
		const where = entry.locationId ? names.get(entry.locationId) : undefined;
		if (where) lines.push(`LOCATION:${escapeText(where)}`);
		lines.push(
			`LAST-MODIFIED:${formatUtc(entry.updatedAt)}`,
			`SEQUENCE:${entry.revision}`,
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
