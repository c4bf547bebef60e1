import { redirect } from '@sveltejs/kit';
import { credentialsSchema } from '$lib/api';
import { checkCredentials } from '$lib/server/auth/credentials';
import { logIn } from '$lib/server/auth/log-in';
import { handleForm } from '$lib/server/form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.session) redirect(303, '/');
};

export const actions: Actions = {
	login: ({ request, cookies, url }) =>
		handleForm('login', request, credentialsSchema, async (credentials) => {
			logIn(await checkCredentials(credentials), request, cookies, url);
			redirect(303, '/');
		})
};
