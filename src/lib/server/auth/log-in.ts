import type { Cookies } from '@sveltejs/kit';
import type { ServerUser } from '../types';
import { setSessionCookie } from './cookie';
import { startSession } from './session-start';

/** Starts a session for the user and hands its cookie to the browser. */
export function logIn(user: ServerUser, request: Request, cookies: Cookies, url: URL): void {
	const { token, session } = startSession(user.id, request.headers.get('user-agent') ?? '');
	setSessionCookie(cookies, url, token, session.expiresAt);
}
