import { z } from 'zod';
import { invitationTokenSchema } from './invitation';
import { nameSchema, passwordSchema, type ApiAccount } from './user';

export const credentialsSchema = z.strictObject({ name: nameSchema, password: passwordSchema });
export type Credentials = z.infer<typeof credentialsSchema>;

/** An empty invitation field means none, so the register form can always send it. */
export const registrationSchema = credentialsSchema.extend({
	invitation: invitationTokenSchema.optional().transform((token) => token || undefined)
});

export interface ApiSession {
	/** Public, non-secret: never the cookie's token nor its database key. */
	id: string;
	account: ApiAccount;
	createdAt: number;
	expiresAt: number;
	rotatesAt: number;
}

/**
 * Why the presented session no longer holds, told in plain words on the page the person opens:
 * taken (two parties held it), ended from another session or by a newer login, ended by a
 * password change, or its user deleted. A plain logout by the person needs no notice.
 */
export const sessionNotices = [
	'session-taken',
	'session-ended-elsewhere',
	'password-changed',
	'user-deleted',
	'user-suspended'
] as const;
export type SessionNotice = (typeof sessionNotices)[number];

/** Only a known notice, never free text, may come back through the login page's address. */
export const sessionNoticeSchema = z.enum(sessionNotices);

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
	/** The browser that presented the old key: it came second. */
	userAgent: string;
	/** The browser of the session that had been used before it: the other party, first. */
	otherUserAgent: string;
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
