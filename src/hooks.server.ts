import {
	json,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { clearSessionCookie, readSessionToken, setSessionCookie } from '$lib/server/auth/cookie';
import { checkSessionToken } from '$lib/server/auth/session-check';
import { compress } from '$lib/server/compression';
import { getConfig } from '$lib/server/config';
import { guardRequests } from '$lib/server/guards';
import { log, logClientError } from '$lib/server/log';
import { foreignChangeMessage, refusesForeignChange } from '$lib/server/same-origin';
import { personalPage } from '$lib/server/pages/personal-page';
import { publicPageCache } from '$lib/server/pages/public-page-cache';
import { securityHeaders } from '$lib/server/security-headers';
import { isLoopbackHost, loopbackOnlyMessage } from '$lib/server/loopback-host';
import { startApp } from '$lib/server/startup';

export const init: ServerInit = () => startApp();

/**
 * A server error is logged with its stack; a client's mistake that SvelteKit reports here (415
 * for a form post without a form, an unknown action, 405) as a bounded line without one.
 * Either is answered with SvelteKit's plain message.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const fields = { method: event.request.method, path: event.url.pathname, status };
	if (status >= 500) log().error({ event: 'error', err: error, ...fields }, message);
	else if (status !== 404) {
		logClientError(fields, error instanceof Error ? error.message : message);
	}
	return { message };
};

/** Validates the session once per request; rotation may hand out a new cookie here. */
const authenticate: Handle = async ({ event, resolve }) => {
	event.locals.session = null;
	event.locals.user = null;
	const token = readSessionToken(event.request, event.url);
	if (token) {
		const check = await checkSessionToken(token, {
			userAgent: event.request.headers.get('user-agent') ?? '',
			mayRotate: true
		});
		if (check.session) {
			event.locals.session = check.session;
			event.locals.user = check.user;
			if (check.newToken) {
				setSessionCookie(event.cookies, event.url, check.newToken, check.session.expiresAt);
				event.locals.newCookie = true;
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

/** `{ message }` to the API, a line of plain text to pages and forms. */
function refuse(event: RequestEvent, status: number, message: string): Response {
	if (event.url.pathname.startsWith('/api/')) return json({ message }, { status });
	return new Response(message + '\n', {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8' }
	});
}

/** Without ORIGIN, pages, forms and API answer only under a loopback name (DNS rebinding). */
const guardHost: Handle = ({ event, resolve }) => {
	if (getConfig().ORIGIN || isLoopbackHost(event.url.host)) return resolve(event);
	return refuse(event, 421, loopbackOnlyMessage);
};

/**
 * A change from a page of another origin is refused whatever its body (same-origin.ts);
 * SvelteKit's own check covers only form bodies. The origin is the one SvelteKit's check uses:
 * ORIGIN, or http:// and the (loopback) Host.
 */
const guardOrigin: Handle = ({ event, resolve }) => {
	const { method, headers } = event.request;
	const request = {
		method,
		path: event.url.pathname,
		origin: headers.get('origin'),
		fetchSite: headers.get('sec-fetch-site')
	};
	if (!refusesForeignChange(request, event.url.origin)) return resolve(event);
	return refuse(event, 403, foreignChangeMessage);
};

// `headers` first, so even the answers of the guards carry them; `compress` outside it, so it
// sees the final headers. The page cache answers only requests the guards let through, and
// only those without a session, so before `authenticate`; the personal pages after it.
export const handle = sequence(
	compress,
	headers,
	guardHost,
	guardOrigin,
	guardRequests,
	publicPageCache,
	authenticate,
	personalPage
);
