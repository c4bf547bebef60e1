import {
	json,
	type Handle,
	type HandleServerError,
	type RequestEvent,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookie';
import { checkSessionToken } from '$lib/server/auth/session-check';
import { compress } from '$lib/server/compression';
import { getConfig } from '$lib/server/config';
import { log, logClientError } from '$lib/server/log';
import { personalPage } from '$lib/server/pages/personal-page';
import { publicPageCache } from '$lib/server/pages/public-page-cache';
import { securityHeaders } from '$lib/server/security-headers';
import { guardRequest, ownOrigin, sessionToken, webHead } from '$lib/server/request-pipeline';
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
	// The guards let through only requests whose origin is ours.
	const token = sessionToken(webHead(event.request, event.url), event.url.origin);
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

/** The request pipeline's guards (request-pipeline.ts), on SvelteKit's idea of the origin. */
const guard: Handle = ({ event, resolve }) => {
	const refusal = guardRequest(
		webHead(event.request, event.url),
		ownOrigin(event.url, getConfig())
	);
	if (!refusal) return resolve(event);
	// No such form action: answered as SvelteKit answers its actions' errors, in JSON.
	if (refusal.status === 404) return json({ message: refusal.message }, { status: 404 });
	return refuse(event, refusal.status, refusal.message);
};

// `headers` first, so even the answers of the guards carry them; `compress` outside it, so it
// sees the final headers. The page cache answers only requests the guards let through, and
// only those without a session, so before `authenticate`; the personal pages after it.
export const handle = sequence(
	compress,
	headers,
	guard,
	publicPageCache,
	authenticate,
	personalPage
);
