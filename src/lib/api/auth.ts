import { z } from 'zod';
import { invitationTokenSchema } from './invitation';
import { nameSchema, passwordSchema, type ApiAccount } from './user';

export const credentialsSchema = z.strictObject({ name: nameSchema, password: passwordSchema });
export type Credentials = z.infer<typeof credentialsSchema>;

/** An empty invitation field means none, so the register form can always send it. */
export const registrationSchema = credentialsSchema.extend({
	invitation: invitationTokenSchema.optional().transform((token) => token || undefined)
});
export type Registration = z.infer<typeof registrationSchema>;

export interface ApiSession {
	/** Public, non-secret: never the cookie's token nor its database key. */
	id: string;
	account: ApiAccount;
	createdAt: number;
	expiresAt: number;
	rotatesAt: number;
}

/** Told to the person on whatever page they open after their session family was ended as stolen. */
export type SessionNotice = 'session-taken';

export interface ApiSessionState {
	session: ApiSession | null;
	notice?: SessionNotice;
}

/** One login of the account, as its sessions list shows it; `id` names the login (its family). */
export interface ApiOwnSession {
	id: string;
	createdAt: number;
	lastSeenAt: number;
	userAgent: string;
	/** Only in answers to a request, where "this session" is known. */
	current?: boolean;
}

export interface ApiSecurityRecord {
	kind: 'session-taken';
	createdAt: number;
	userAgent: string;
}

/**
 * The account's logins and latest security records, as the account page loads them; events then
 * change one login or add one record at a time.
 */
export interface ApiAccountSecurity {
	userId: string;
	sessions: ApiOwnSession[];
	securityRecords: ApiSecurityRecord[];
}
