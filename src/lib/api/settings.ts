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

export const settingsPatchSchema = z
	.strictObject({
		name: settingsNameSchema.optional(),
		timeZone: timeZoneSchema.optional(),
		registration: registrationModeSchema.optional()
	})
	.refine(
		(patch) =>
			patch.name !== undefined || patch.timeZone !== undefined || patch.registration !== undefined,
		{ message: 'nothing to change: give name, timeZone or registration' }
	);
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** The admin page's settings form sends every field. */
export const settingsFormSchema = z.object({
	name: settingsNameSchema,
	timeZone: timeZoneSchema,
	registration: registrationModeSchema
});
