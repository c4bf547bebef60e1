import { json } from '@sveltejs/kit';
import type { ApiSessionState } from '$lib/api';
import { toApiSession } from '$lib/server/auth/api-session';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endOwnSession } from '$lib/server/auth/own-sessions';
import { endpoint, requireSession } from '$lib/server/http';

/** The hooks have already rotated the cookie when it was due. */
export const GET = endpoint(({ locals }) => {
	const state: ApiSessionState = {
		session: locals.session && locals.user ? toApiSession(locals.session, locals.user) : null
	};
	if (locals.notice) state.notice = locals.notice;
	return json(state);
});

export const DELETE = endpoint(async ({ locals, cookies, url }) => {
	const { session } = requireSession(locals);
	// Cleared whatever happens: a session that ended meanwhile (401) is logged out all the same.
	clearSessionCookie(cookies, url);
	await endOwnSession(session, session.family);
	return new Response(null, { status: 204 });
});
