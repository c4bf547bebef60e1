import { json } from '@sveltejs/kit';
import type { ApiSessionState } from '$lib/api';
import { toApiSession } from '$lib/server/auth/api-session';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endFamily } from '$lib/server/auth/session-end';
import { announceSessionEnded } from '$lib/server/auth/session-ended';
import { getDb } from '$lib/server/db';
import { endpoint, requireSession } from '$lib/server/http';

/** The hooks have already rotated the cookie when it was due. */
export const GET = endpoint(({ locals }) => {
	const state: ApiSessionState = {
		session: locals.session && locals.user ? toApiSession(locals.session, locals.user) : null
	};
	if (locals.notice) state.notice = locals.notice;
	return json(state);
});

export const DELETE = endpoint(({ locals, cookies, url }) => {
	const { session } = requireSession(locals);
	announceSessionEnded(endFamily(getDb(), session.family, 'logged-out'));
	clearSessionCookie(cookies, url);
	return new Response(null, { status: 204 });
});
