import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endOwnSession } from '$lib/server/auth/own-sessions';
import { change } from '$lib/server/events/change';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	logout: ({ locals, cookies, url }) => {
		const session = locals.session;
		if (session) change((tx) => endOwnSession(tx, session, session.family));
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
