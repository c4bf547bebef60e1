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
export function isTimeZone(name: string): boolean {
	if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

/** The spelling Intl uses for a zone ("europe/berlin" becomes "Europe/Berlin"). */
const canonicalTimeZone = (name: string) =>
	new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;

export const settingsNameSchema = z
	.string({ error: 'name must be a string' })
	.trim()
	.min(1, 'name must be 1 to 100 characters')
	.max(100, 'name must be 1 to 100 characters')
	.refine(
		(name) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name),
		'name must not hold control characters'
	)
	.refine(wellFormed, 'name must be valid text');

export const timeZoneSchema = z
	.string({ error: 'timeZone must be a string' })
	.trim()
	.max(64, 'timeZone must be an IANA time zone name, such as Europe/Berlin')
	.refine(isTimeZone, 'timeZone must be an IANA time zone name, such as Europe/Berlin')
	.transform(canonicalTimeZone);

export const registrationModeSchema = z.enum(registrationModes, {
	error: 'registration must be open, invite or closed'
});

/** The latest a day may start: later, an afternoon would count as the night before. */
export const latestDayStart = '12:00';

const dayStartMessage = `dayStartsAt must be a time from 00:00 to ${latestDayStart}, as HH:MM`;

export const dayStartsAtSchema = z
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
