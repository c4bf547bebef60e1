import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookie';
import { endFamily } from '$lib/server/auth/session-end';
import { announceSessionEnded } from '$lib/server/auth/session-ended';
import { getDb } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	logout: ({ locals, cookies, url }) => {
		if (locals.session) announceSessionEnded(endFamily(getDb(), locals.session.family, 'logged-out'));
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
