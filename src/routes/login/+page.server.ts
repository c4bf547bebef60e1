import { redirect } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { checkLogin } from '$lib/server/auth/brute-force';
import { logIn } from '$lib/server/auth/log-in';
import { handleForm } from '$lib/server/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.session) redirect(303, '/');
};

export const actions: Actions = {
	login: (event) =>
		handleForm('login', event, credentialsSchema, async (credentials) => {
			logIn(await checkLogin(credentials, event.getClientAddress()), event);
			redirect(303, '/');
		})
};
