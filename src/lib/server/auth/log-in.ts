import type { RequestEvent } from '@sveltejs/kit';
import { log } from '../log';
import type { ServerUser } from '../types';
import { setSessionCookie } from './cookie';
import { allowLogin } from './login-limit';
import { startSession } from './session-start';

/** Starts a session for the user, unless they log in too often, and hands its cookie over. */
export async function logIn(user: ServerUser, event: RequestEvent): Promise<void> {
	await allowLogin(user.id);
	const { token, session } = await startSession(
		user.id,
		event.request.headers.get('user-agent') ?? ''
	);
	setSessionCookie(event.cookies, event.url, token, session.expiresAt);
	log().info(
		{ event: 'login', userId: user.id, name: user.name, address: event.getClientAddress() },
		`${user.name} logged in`
	);
}
