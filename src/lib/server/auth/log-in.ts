import type { RequestEvent } from '@sveltejs/kit';
import type { ServerUser } from '../types';
import { setSessionCookie } from './cookie';
import { startSession } from './session-start';

/** Starts a session for the user and hands its cookie to the browser. */
export function logIn(user: ServerUser, event: RequestEvent): void {
	const { token, session } = startSession(user.id, event.request.headers.get('user-agent') ?? '');
	setSessionCookie(event.cookies, event.url, token, session.expiresAt);
}
