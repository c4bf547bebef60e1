import type { ApiEntry, ApiShift, UserType } from '$lib/api';

export interface ServerUser {
	id: string;
	name: string;
	type: UserType;
	createdAt: number;
	lastSeenAt: number | null;
	/** When an admin suspended the user; null or absent (events older than suspension) when not. */
	suspendedAt?: number | null;
}

/** A live session as the server knows it. `id` is the SHA-256 of the cookie's token. */
export interface ServerSession {
	id: string;
	publicId: string;
	userId: string;
	family: string;
	familyCreatedAt: number;
	createdAt: number;
	rotatesAt: number;
	expiresAt: number;
	lastSeenAt: number;
	userAgent: string;
}

/** An entry as the server holds it: every field, whoever may see it. */
export interface ServerEntry extends Omit<ApiEntry, 'version'> {
	crewNotes: string;
	createdAt: number;
	updatedAt: number;
	/** How many times the entry changed since it was made: the version an edit is based on. */
	revision: number;
	/**
	 * How many times what a calendar shows of it changed (`publicChangeParts`), and when it last
	 * did: a calendar's SEQUENCE and LAST-MODIFIED, which a crew note or a move between crew and
	 * draft leaves as they were.
	 */
	calendarRevision: number;
	calendarChangedAt: number;
	/** How many users marked it (read with it, never stored twice); crew and admins see it. */
	interestedCount: number;
}

/** A shift as the server holds it: what crew and admins see, and what calendars need. */
export interface ServerShift extends ApiShift {
	createdAt: number;
	updatedAt: number;
	/** How many times the shift changed since it was made: a calendar's SEQUENCE. */
	revision: number;
}

/**
 * Why a login was ended other than by theft; its sessions are kept as tombstones until they
 * would have expired, so whoever presents one is told why and it never lives again.
 */
export const sessionEndings = [
	'logged-out',
	'revoked',
	'password-changed',
	'deleted',
	'suspended'
] as const;
export type SessionEnding = (typeof sessionEndings)[number];

/** Crew and admins see a shift alike: all of it but the server's bookkeeping. */
export function toApiShift(shift: ServerShift): ApiShift {
	return {
		id: shift.id,
		role: shift.role,
		locationId: shift.locationId,
		start: shift.start,
		end: shift.end,
		needed: shift.needed,
		crewIds: shift.crewIds,
		notes: shift.notes
	};
}
