import { z } from 'zod';
import { wellFormed } from './text';

export const registrationModes = ['open', 'invite', 'closed'] as const;
/** Who may register: anyone, holders of an invitation, or nobody (but the very first user). */
export type RegistrationMode = (typeof registrationModes)[number];

/** The instance's settings. */
export interface ApiSettings {
	/** The gathering's name. */
	name: string;
	/** An IANA time zone name; pages show times in it. */
	timeZone: string;
	registration: RegistrationMode;
	/**
	 * HH:MM on the zone's wall clock, 00:00 to 12:00: when a day of the gathering begins. A
	 * concert at 01:00 belongs to the evening before once the day starts later than that.
	 */
	dayStartsAt: string;
}

/**
 * An IANA name the runtime knows. Intl also takes offsets such as "+01:00", which are not
 * zone names (they have no daylight saving rules), so the name must start with a letter.
 */
function isTimeZone(name: string): boolean {
	if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

/*
 * Zones the tz database renamed while the runtime's ICU still answers the old name (Node 20
 * turns Asia/Kathmandu into Asia/Katmandu): the current name is the one people and schedule
 * apps expect. Both names keep working with Intl everywhere.
 */
const currentNames: Record<string, string> = {
	'Africa/Asmera': 'Africa/Asmara',
	'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
	'America/Catamarca': 'America/Argentina/Catamarca',
	'America/Coral_Harbour': 'America/Atikokan',
	'America/Cordoba': 'America/Argentina/Cordoba',
	'America/Godthab': 'America/Nuuk',
	'America/Indianapolis': 'America/Indiana/Indianapolis',
	'America/Jujuy': 'America/Argentina/Jujuy',
	'America/Louisville': 'America/Kentucky/Louisville',
	'America/Mendoza': 'America/Argentina/Mendoza',
	'Asia/Calcutta': 'Asia/Kolkata',
	'Asia/Katmandu': 'Asia/Kathmandu',
	'Asia/Rangoon': 'Asia/Yangon',
	'Asia/Saigon': 'Asia/Ho_Chi_Minh',
	'Atlantic/Faeroe': 'Atlantic/Faroe',
	'Europe/Kiev': 'Europe/Kyiv',
	'Pacific/Enderbury': 'Pacific/Kanton',
	'Pacific/Ponape': 'Pacific/Pohnpei',
	'Pacific/Truk': 'Pacific/Chuuk'
};

/**
 * The zone's current tz database name, whatever spelling or link named it ("europe/berlin"
 * becomes "Europe/Berlin", "US/Eastern" "America/New_York", "Asia/Katmandu" "Asia/Kathmandu").
 */
export function canonicalTimeZone(name: string): string {
	const resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
	return currentNames[resolved] ?? resolved;
}

/**
 * A zone schedule apps read: an area and a city (Europe/Berlin), or UTC, as the c3voc JSON
 * schema has it: Etc/GMT-14 and the like are refused.
 */
export const isExportableTimeZone = (name: string) =>
	name === 'UTC' || /^[A-Z][a-z]+\/[A-Z][a-z]+/.test(name);

/** The name the exports write for a stored zone, or null when apps could not read it. */
export function exportedTimeZone(stored: string): string | null {
	const name = isTimeZone(stored) ? canonicalTimeZone(stored) : stored;
	return isExportableTimeZone(name) ? name : null;
}

const settingsNameSchema = z
	.string({ error: 'name must be a string' })
	.trim()
	.min(1, 'name must be 1 to 100 characters')
	.max(100, 'name must be 1 to 100 characters')
	.refine(
		(name) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name),
		'name must not hold control characters'
	)
	.refine(wellFormed, 'name must be valid text');

const timeZoneSchema = z
	.string({ error: 'timeZone must be a string' })
	.trim()
	.max(64, 'timeZone must be an IANA time zone name, such as Europe/Berlin')
	.refine(isTimeZone, 'timeZone must be an IANA time zone name, such as Europe/Berlin')
	.transform(canonicalTimeZone)
	.refine(
		isExportableTimeZone,
		'timeZone must be a region and a city, such as Europe/Berlin or Pacific/Kiritimati, or UTC: schedule apps cannot read zones such as Etc/GMT-14'
	);

const registrationModeSchema = z.enum(registrationModes, {
	error: 'registration must be open, invite or closed'
});

/** The latest a day may start: later, an afternoon would count as the night before. */
const latestDayStart = '12:00';

const dayStartMessage = `dayStartsAt must be a time from 00:00 to ${latestDayStart}, as HH:MM`;

const dayStartsAtSchema = z
	.string({ error: dayStartMessage })
	.trim()
	.regex(/^([01]\d|2[0-3]):[0-5]\d$/, dayStartMessage)
	.refine((time) => time <= latestDayStart, dayStartMessage);

export const settingsPatchSchema = z
	.strictObject({
		name: settingsNameSchema.optional(),
		timeZone: timeZoneSchema.optional(),
		registration: registrationModeSchema.optional(),
		dayStartsAt: dayStartsAtSchema.optional()
	})
	.refine((patch) => Object.values(patch).some((value) => value !== undefined), {
		message: 'nothing to change: give name, timeZone, registration or dayStartsAt'
	});
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** The admin page's settings form sends every field (a form older than dayStartsAt keeps it). */
export const settingsFormSchema = z.object({
	name: settingsNameSchema,
	timeZone: timeZoneSchema,
	registration: registrationModeSchema,
	dayStartsAt: dayStartsAtSchema.optional()
});

/** The setup page asks for every setting, the day's start included. */
export const setupFormSchema = settingsFormSchema.extend({ dayStartsAt: dayStartsAtSchema });
