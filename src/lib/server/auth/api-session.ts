import type { ApiSession } from '$lib/api';
import type { ServerSession, ServerUser } from '../types';
import { toApiUser } from './access-level';

export function toApiSession(session: ServerSession, user: ServerUser): ApiSession {
	return {
		id: session.publicId,
		account: toApiUser(user, user.type),
		createdAt: session.createdAt,
		expiresAt: session.expiresAt,
		rotatesAt: session.rotatesAt
	};
}
