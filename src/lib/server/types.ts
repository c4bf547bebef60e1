import type { UserType } from '$lib/api';

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
