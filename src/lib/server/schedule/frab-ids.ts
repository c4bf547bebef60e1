import { createHash } from 'node:crypto';

/*
 * The names a frab schedule gives each event and room, made from Tidewatch's own ids so they
 * never change while the entry or location exists, and need no column of their own. Apps keep
 * favourites and alarms by them.
 */

/** Tidewatch's namespace for name-based UUIDs (RFC 9562, version 5); fixed for good. */
const namespace = Buffer.from('5b0f3c2e7d8a4e1f9c6b2a1d0e3f4a5b', 'hex');

/** A name-based UUID (version 5: SHA-1), the same for the same name on every instance. */
export function nameUuid(name: string): string {
	const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
	hash[6] = (hash[6] & 0x0f) | 0x50;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const entryGuid = (entryId: string) => nameUuid(`entry:${entryId}`);
export const roomGuid = (locationId: string | null) => nameUuid(`location:${locationId ?? ''}`);

const idSpace = 0x7fffffff;

/** 1 to 2^31 - 1, from the entry's id: apps store the id as a 32-bit signed integer. */
function hashedNumber(entryId: string): number {
	return (createHash('sha256').update(entryId, 'utf8').digest().readUInt32BE(0) % idSpace) + 1;
}

/**
 * The positive integer `id` of each entry in the document: a hash of its id, so it is stable
 * and says nothing about how many entries (drafts included) exist. Two entries whose hashes
 * meet (about once in 50,000 schedules of 300 entries) stay unique: in the order of their ids,
 * a later one takes the next free number.
 */
export function eventNumbers(entryIds: readonly string[]): Map<string, number> {
	const numbers = new Map<string, number>();
	const taken = new Set<number>();
	for (const id of [...entryIds].sort()) {
		let number = hashedNumber(id);
		while (taken.has(number)) number = (number % idSpace) + 1;
		taken.add(number);
		numbers.set(id, number);
	}
	return numbers;
}

/** Lower-case ASCII letters and digits joined by hyphens: "Café Øst 2026" becomes "cafe-st-2026". */
export function slugify(text: string, max: number): string {
	return text
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.slice(0, max)
		.replace(/^-+|-+$/g, '');
}

/**
 * The conference's acronym, from the gathering's name: at least four characters, words joined
 * by underscores (the c3voc JSON schema allows a hyphen only in a year suffix).
 */
export function acronymOf(name: string): string {
	const slug = slugify(name, 40).replace(/-/g, '_');
	return slug.length >= 4 ? slug : 'tidewatch';
}

/** `<acronym>-<id>-<title>`, as frab and pretalx make it; unique because the id is. */
export function eventSlug(acronym: string, number: number, title: string): string {
	const words = slugify(title, 50);
	return `${acronym}-${number}-${words.length >= 4 ? words : 'entry'}`;
}
