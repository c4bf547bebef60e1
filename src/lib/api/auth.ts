import { z } from 'zod';
import { nameSchema, passwordSchema, type ApiAccount } from './user';

export const credentialsSchema = z.strictObject({ name: nameSchema, password: passwordSchema });
export type Credentials = z.infer<typeof credentialsSchema>;

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
