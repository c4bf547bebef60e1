import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '$lib/server/auth/cookie';
import { checkSessionToken } from '$lib/server/auth/session-check';
import { compress } from '$lib/server/compression';
import { getConfig } from '$lib/server/config';
import { guardRequests } from '$lib/server/guards';
import { log } from '$lib/server/log';
import { securityHeaders } from '$lib/server/security-headers';
import { isLoopbackHost, loopbackOnlyMessage } from '$lib/server/loopback-host';
import { startApp } from '$lib/server/startup';

export const init: ServerInit = () => startApp();

/** An unexpected error: logged with its stack, answered with SvelteKit's plain message. */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status !== 404)
		log().error(
			{
				event: 'error',
				err: error,
				method: event.request.method,
				path: event.url.pathname,
				status
			},
			message
		);
	return { message };
};

/** Validates the session once per request; rotation may hand out a new cookie here. */
const authenticate: Handle = ({ event, resolve }) => {
	event.locals.session = null;
	event.locals.user = null;
	const token = readSessionToken(event.request, event.url);
	if (token) {
		const check = checkSessionToken(token, {
			userAgent: event.request.headers.get('user-agent') ?? '',
			mayRotate: true
		});
		if (check.session) {
			event.locals.session = check.session;
			event.locals.user = check.user;
			if (check.newToken) {
				setSessionCookie(event.cookies, event.url, check.newToken, check.session.expiresAt);
			}
		} else {
			clearSessionCookie(event.cookies, event.url);
			event.locals.notice = check.notice;
		}
	}
	return resolve(event);
};

/** The CSP comes from svelte.config.js; these complete it. */
const headers: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	for (const [name, value] of Object.entries(securityHeaders())) response.headers.set(name, value);
	// What a logged-in person sees must not be kept by any cache.
	if (event.locals.session || event.locals.notice)
		response.headers.set('cache-control', 'no-store');
	return response;
};

/** Without ORIGIN, pages, forms and API answer only under a loopback name (DNS rebinding). */
const guardHost: Handle = ({ event, resolve }) => {
	if (getConfig().ORIGIN || isLoopbackHost(event.url.host)) return resolve(event);
	if (event.url.pathname.startsWith('/api/')) {
		return json({ message: loopbackOnlyMessage }, { status: 421 });
	}
	return new Response(loopbackOnlyMessage + '\n', {
		status: 421,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
};

// `headers` first, so even the answers of the guards carry them; `compress` outside it, so it
// sees the final headers.
export const handle = sequence(compress, headers, guardHost, guardRequests, authenticate);
