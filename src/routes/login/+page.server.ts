import { redirect } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { checkLogin } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { handleForm } from '$lib/server/form';
import { noticeFromUrl, pageAfterLogin } from '$lib/server/login-redirect';
import type { Actions, PageServerLoad } from './$types';

/** A page that needed a session sends its notice along (`?notice=`): the layout tells it. */
export const load: PageServerLoad = ({ locals, url }) => {
	const next = pageAfterLogin(url.searchParams.get('next'));
	if (locals.session) redirect(303, next);
	return { notice: locals.notice ?? noticeFromUrl(url) ?? null, next };
};

export const actions: Actions = {
	login: (event) =>
		handleForm('login', event, credentialsSchema, async (credentials) => {
			await logIn(await checkLogin(credentials, event.getClientAddress()), event);
			// The form's action carries `next` (`?/login&next=…`): back to the page asked for.
			redirect(303, pageAfterLogin(event.url.searchParams.get('next')));
		})
};
