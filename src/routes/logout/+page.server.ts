import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endSession } from '$lib/server/auth/session-end';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	logout: async ({ locals, cookies, url }) => {
		if (locals.session) await endSession(locals.session.id, 'logged-out');
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
