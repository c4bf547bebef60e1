import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endOwnSession } from '$lib/server/auth/own-sessions';
import { Refusal } from '$lib/server/refusal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	logout: async ({ locals, cookies, url }) => {
		const session = locals.session;
		try {
			if (session) await endOwnSession(session, session.family);
		} catch (error) {
			// A session that ended meanwhile: the person is logged out either way.
			if (!(error instanceof Refusal)) throw error;
		}
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
